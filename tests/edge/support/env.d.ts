/// <reference types="@cloudflare/vitest-pool-workers/types" />
import type { D1Migration } from "cloudflare:test";
import type { UpstreamUrls } from "./upstream-urls.ts";

declare global {
  namespace Cloudflare {
    interface Env {
      DB: D1Database;
      ADMIN_TOKEN: string;
      UPSTREAM_A_KEY: string;
      UPSTREAM_CANARY_KEY: string;
      ENVIRONMENT: string;
      STORE_PROMPTS: string;
      TEST_MIGRATIONS: D1Migration[];
      UPSTREAMS: UpstreamUrls;
    }
  }
}
