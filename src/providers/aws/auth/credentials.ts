/** Credentials as the chain passes them from hop to hop and finally to the SDK clients. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
  /** Absent for static keys. */
  expiration?: Date | undefined;
}

/** Milliseconds since the epoch; injected so expiry is tested without waiting. */
export type Clock = () => number;

export interface CredentialSource {
  get(): Promise<AwsCredentials>;
  /**
   * Called when AWS rejected the credentials (rotated or revoked keys, an expired session): forgets them so
   * the next `get` fetches new ones. Credentials obtained in the last few seconds are kept: they are what
   * a concurrent failure already refetched, or what re-reading the same source would return again.
   */
  invalidate(): void;
}
