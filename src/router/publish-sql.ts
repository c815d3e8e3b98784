import type { RouterArtifactMeta } from "./router-artifact.ts";

/** D1 caps one SQL statement at 100 KB: the blob goes in as hex chunks of this many bytes. */
const CHUNK_BYTES = 40_000;

function sqlText(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

function hex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

/**
 * SQL that stores a router version in `router_versions` (drizzle schema in src/db/schema.ts): upsert the
 * row with an empty blob, append the ONNX bytes in chunks (each statement under D1's limit), and when
 * `activate`, make it the only active row. For `wrangler d1 execute --file`.
 */
export function publishStatements(meta: RouterArtifactMeta, onnx: Uint8Array, activate: boolean): string[] {
  const v = sqlText(meta.version);
  const out = [
    `INSERT INTO router_versions (version, created_at, model_ids, metrics, onnx, active) VALUES (${v}, ${meta.createdAt}, ` +
      `${sqlText(JSON.stringify(meta.modelIds))}, ${sqlText(JSON.stringify(meta.metrics))}, X'', 0) ` +
      `ON CONFLICT(version) DO UPDATE SET model_ids = excluded.model_ids, metrics = excluded.metrics, onnx = X'';`,
  ];
  for (let at = 0; at < onnx.length; at += CHUNK_BYTES) {
    out.push(`UPDATE router_versions SET onnx = CAST(onnx || X'${hex(onnx.subarray(at, at + CHUNK_BYTES))}' AS BLOB) WHERE version = ${v};`);
  }
  if (activate) out.push(`UPDATE router_versions SET active = (version = ${v});`);
  return out;
}
