import { z } from "zod";

/** A query parameter holding a non-negative integer, parsed to a number (pipe it for a range). */
export const integerParam = (name: string) => z.string().regex(/^\d+$/, `${name} must be a non-negative integer`).transform(Number);
