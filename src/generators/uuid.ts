/**
 * UUID (ESO pkg/generator/uuid, google/uuid New()): a random version 4 UUID from the platform's CSPRNG, key
 * `uuid`.
 */
import { randomUUID } from "node:crypto";
import type { Generated } from "./generated.ts";

export function generateUuid(random: () => string = randomUUID): Generated {
  return { data: new Map([["uuid", Buffer.from(random())]]) };
}
