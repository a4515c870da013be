/** What a generator produced: Secret keys to bytes and, for credentials that run out, when they do. */
export interface Generated {
  data: Map<string, Uint8Array>;
  /** Epoch ms after which the values are useless (ECR tokens, STS sessions). */
  expiresAtMs?: number | undefined;
}
