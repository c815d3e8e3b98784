/** The Worker entry (wrangler.toml `main`). */
import { createApp } from "./app.ts";

// wrangler.toml binds KEY_LIMITER to this class; workerd finds it among the entry's exports.
export { KeyRateLimiter } from "./rate-limit/key-rate-limiter.ts";

export default createApp();
