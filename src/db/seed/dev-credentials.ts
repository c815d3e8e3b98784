/** Credentials for local development only: `library seed --local` seeds them; a remote seed never does. */

/** The API key README examples use (its SHA-256 is what the local D1 stores). */
export const DEV_API_KEY = "sk-switchyard-dev";

/** The admin token `library seed --local` writes to .dev.vars when that file names none. */
export const DEV_ADMIN_TOKEN = "sk-switchyard-admin-dev";
