// Calls the edge with the key the user typed in. The key lives in this tab's sessionStorage only: the page
// itself carries no credential, so it can be served to anyone.
const store = window.sessionStorage;

export const credentials = {
  get apiKey() { return store.getItem("switchyard.apiKey") ?? ""; },
  get adminToken() { return store.getItem("switchyard.adminToken") ?? ""; },
  set(apiKey, adminToken) {
    store.setItem("switchyard.apiKey", apiKey);
    store.setItem("switchyard.adminToken", adminToken);
  },
};

/** An answer in the edge's error shape ({ error: { message, code, param } }), as a thrown Error. */
export class ApiError extends Error {
  constructor(status, error) {
    super(`${status} ${error?.code ?? "error"}: ${error?.message ?? "no message"}`);
    this.status = status;
    this.code = error?.code;
  }
}

async function request(path, { token, body, method } = {}) {
  if (!token) throw new ApiError(401, { code: "missing_credentials", message: "enter a key above first" });
  const res = await fetch(path, {
    method: method ?? (body === undefined ? "GET" : "POST"),
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, json?.error);
  return json;
}

/** With the API key: /v1/... */
export const api = (path, opts = {}) => request(path, { ...opts, token: credentials.apiKey });
/** With the admin token: /admin/... */
export const adminApi = (path, opts = {}) => request(path, { ...opts, token: credentials.adminToken });
