const WRITE = /^\s*(insert|update|delete|replace)\b/i;

/**
 * The real D1 binding, watched: every statement prepared on it, and the rows each write statement changed
 * (meta.changes, or the rows a RETURNING gave back). A statement that matches nothing, such as deleting a
 * missing record, changes nothing. It observes; every statement still runs on the real local D1.
 */
export function watchD1(db: D1Database): { db: D1Database; readonly changes: number; statements: string[] } {
  const writes = { n: 0 };
  const statements: string[] = [];
  const real = new WeakMap<object, D1PreparedStatement>();
  const wrap = (stmt: D1PreparedStatement, isWrite: boolean): D1PreparedStatement => {
    const proxy = new Proxy(stmt, {
      get(target, prop) {
        if (prop === "bind") return (...args: unknown[]) => wrap(target.bind(...args), isWrite);
        if (prop === "run" || prop === "all") {
          return async () => {
            const result = await target[prop]();
            if (isWrite) writes.n += Math.max(result.meta.changes ?? 0, result.results?.length ?? 0);
            return result;
          };
        }
        if (prop === "raw") {
          return async (options?: { columnNames?: boolean }) => {
            const rows = await target.raw(options as { columnNames: true });
            if (isWrite) writes.n += rows.length;
            return rows;
          };
        }
        if (prop === "first") {
          return async (column?: string) => {
            const row = await (column === undefined ? target.first() : target.first(column));
            if (isWrite && row !== null) writes.n += 1;
            return row;
          };
        }
        const value: unknown = Reflect.get(target, prop);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    real.set(proxy, stmt);
    return proxy;
  };
  const watched = new Proxy(db, {
    get(target, prop) {
      if (prop === "prepare") {
        return (sql: string) => {
          statements.push(sql);
          return wrap(target.prepare(sql), WRITE.test(sql));
        };
      }
      if (prop === "batch") {
        return async (stmts: D1PreparedStatement[]) => {
          const results = await target.batch(stmts.map((s) => real.get(s) ?? s));
          for (const r of results) writes.n += r.meta.changes ?? 0;
          return results;
        };
      }
      if (prop === "exec") throw new Error("the edge never calls D1 exec");
      const value: unknown = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return {
    db: watched,
    get changes() {
      return writes.n;
    },
    statements,
  };
}
