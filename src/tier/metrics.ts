/** Upper bounds (seconds) of the request latency histogram; CPU generation spans ms to minutes. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

type Labels = Record<string, string>;

interface Histogram {
  labels: Labels;
  counts: number[];
  sum: number;
  count: number;
}

/** Load of one model at scrape time, read from the scheduler. */
export interface ModelLoad {
  model: string;
  /** where and in what dtype the model computes */
  serving: { backend: string; dtype: string; weightBytes: number };
  running: number;
  queued: number;
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function formatLabels(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length ? `{${parts.join(",")}}` : "";
}

/** Key of a label set, stable whatever the insertion order. */
function keyOf(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * The tier's counters and latency histogram, rendered in the Prometheus text exposition format (0.0.4).
 * Gauges (queue depth, running) are read from the scheduler at scrape time, so they cannot drift.
 */
export class TierMetrics {
  private readonly requests = new Map<string, { labels: Labels; value: number }>();
  private readonly tokens = new Map<string, { labels: Labels; value: number }>();
  private readonly latency = new Map<string, Histogram>();

  /** Counts one finished request and observes its latency. */
  recordRequest(route: string, model: string, status: number, seconds: number): void {
    bump(this.requests, { route, model, status: String(status) }, 1);
    const labels = { route };
    const key = keyOf(labels);
    let h = this.latency.get(key);
    if (!h) {
      h = { labels, counts: LATENCY_BUCKETS.map(() => 0), sum: 0, count: 0 };
      this.latency.set(key, h);
    }
    LATENCY_BUCKETS.forEach((le, i) => {
      if (seconds <= le && h) h.counts[i] = (h.counts[i] ?? 0) + 1;
    });
    h.sum += seconds;
    h.count += 1;
  }

  /** Counts prompt or completion tokens processed for a model. */
  addTokens(model: string, kind: "prompt" | "completion", n: number): void {
    if (n > 0) bump(this.tokens, { model, kind }, n);
  }

  /** The exposition text; `loads` gives the current queue depth and running requests per model. */
  render(loads: readonly ModelLoad[]): string {
    const out: string[] = [];
    out.push("# HELP switchyard_tier_requests_total Requests answered, by route, model and HTTP status.");
    out.push("# TYPE switchyard_tier_requests_total counter");
    for (const c of this.requests.values()) out.push(`switchyard_tier_requests_total${formatLabels(c.labels)} ${c.value}`);
    out.push("# HELP switchyard_tier_tokens_total Tokens processed, by model and kind (prompt or completion).");
    out.push("# TYPE switchyard_tier_tokens_total counter");
    for (const c of this.tokens.values()) out.push(`switchyard_tier_tokens_total${formatLabels(c.labels)} ${c.value}`);
    out.push("# HELP switchyard_tier_model_info The backend and dtype serving each model (always 1).");
    out.push("# TYPE switchyard_tier_model_info gauge");
    for (const l of loads) out.push(`switchyard_tier_model_info${formatLabels({ model: l.model, backend: l.serving.backend, dtype: l.serving.dtype })} 1`);
    out.push("# HELP switchyard_tier_model_weight_bytes Device bytes the model's weights take (0 on the CPU).");
    out.push("# TYPE switchyard_tier_model_weight_bytes gauge");
    for (const l of loads) out.push(`switchyard_tier_model_weight_bytes${formatLabels({ model: l.model })} ${l.serving.weightBytes}`);
    out.push("# HELP switchyard_tier_queue_depth Requests waiting for a model.");
    out.push("# TYPE switchyard_tier_queue_depth gauge");
    for (const l of loads) out.push(`switchyard_tier_queue_depth${formatLabels({ model: l.model })} ${l.queued}`);
    out.push("# HELP switchyard_tier_running_requests Requests running on a model.");
    out.push("# TYPE switchyard_tier_running_requests gauge");
    for (const l of loads) out.push(`switchyard_tier_running_requests${formatLabels({ model: l.model })} ${l.running}`);
    out.push("# HELP switchyard_tier_request_duration_seconds Time from request to last byte, by route.");
    out.push("# TYPE switchyard_tier_request_duration_seconds histogram");
    for (const h of this.latency.values()) {
      LATENCY_BUCKETS.forEach((le, i) => {
        out.push(`switchyard_tier_request_duration_seconds_bucket${formatLabels({ ...h.labels, le: String(le) })} ${h.counts[i]}`);
      });
      out.push(`switchyard_tier_request_duration_seconds_bucket${formatLabels({ ...h.labels, le: "+Inf" })} ${h.count}`);
      out.push(`switchyard_tier_request_duration_seconds_sum${formatLabels(h.labels)} ${h.sum}`);
      out.push(`switchyard_tier_request_duration_seconds_count${formatLabels(h.labels)} ${h.count}`);
    }
    return out.join("\n") + "\n";
  }
}

function bump(map: Map<string, { labels: Labels; value: number }>, labels: Labels, by: number): void {
  const key = keyOf(labels);
  const c = map.get(key);
  if (c) c.value += by;
  else map.set(key, { labels, value: by });
}
