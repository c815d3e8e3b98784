/**
 * Checks an upstream's SSE as it arrives, event by event: every field is one OpenAI-compatible servers send
 * (data, event, id, retry, or a comment), every `data` is a JSON object or `[DONE]`. Only whole, checked
 * events are handed on, so a client never receives half an event or a malformed one; usage is noted on
 * the way.
 */
import { UpstreamFault } from "./upstream-fault.ts";
import { noUsage, readUsage, type Usage } from "./usage.ts";

const EVENT_END = /\r\n\r\n|\n\n|\r\r/;
const FIELDS = new Set(["data", "event", "id", "retry"]);

/** Splits upstream SSE text into checked events. */
export class SseScanner {
  private pending = "";
  /** whether `data: [DONE]` has been seen (nothing after it is handed on) */
  done = false;
  /** data events seen so far */
  events = 0;
  readonly usage: Usage = noUsage();

  /** @param secret an upstream secret to blank out should the upstream echo it */
  constructor(private readonly secret: string | null = null) {}

  /**
   * Takes the next text and returns the whole events in it (with their terminators), as received.
   * @throws UpstreamFault invalid_body at the first malformed event
   */
  feed(text: string): string {
    if (this.done) return "";
    this.pending += text;
    let out = "";
    for (let m = EVENT_END.exec(this.pending); m !== null && !this.done; m = EVENT_END.exec(this.pending)) {
      const end = m.index + m[0].length;
      const event = this.pending.slice(0, end);
      this.pending = this.pending.slice(end);
      this.check(event.slice(0, m.index));
      out += event;
    }
    if (this.done) this.pending = "";
    return this.secret !== null && out.includes(this.secret) ? out.replaceAll(this.secret, "[redacted]") : out;
  }

  /** Whether text that is not yet a whole event is waiting (at the end of the body: an event cut short). */
  get partial(): boolean {
    return this.pending.trim() !== "";
  }

  private check(block: string): void {
    const data: string[] = [];
    for (const line of block.split(/\r\n|\n|\r/)) {
      if (line === "" || line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      if (!FIELDS.has(field)) throw new UpstreamFault("invalid_body", `invalid SSE: unknown field "${field.slice(0, 40)}"`);
      if (field === "data") data.push(line.slice(colon + 1).replace(/^ /, ""));
    }
    if (data.length === 0) return;
    const payload = data.join("\n");
    this.events += 1;
    if (payload === "[DONE]") {
      this.done = true;
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(payload);
    } catch {
      throw new UpstreamFault("invalid_body", "invalid SSE: an event's data is not JSON");
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new UpstreamFault("invalid_body", "invalid SSE: an event's data is not a JSON object");
    }
    readUsage(parsed, this.usage);
  }
}
