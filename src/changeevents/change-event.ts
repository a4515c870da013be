/**
 * A change to a remote secret as Ferry understands it, whatever the event it came from: the service, where
 * (region, account when the event says) and every name the secret may be known by in an ExternalSecret.
 */
export type ChangeService = "SecretsManager" | "ParameterStore";

export interface RemoteChange {
  service: ChangeService;
  region: string;
  /** The account the event came from; undefined when the event does not carry one. */
  account: string | undefined;
  /**
   * The names the secret may be referred to by (a name, or the name part of an ARN with and without Secrets
   * Manager's six-character suffix). More names than the secret has only cost a read; fewer would miss it.
   */
  names: string[];
  /** The AWS action or operation (PutSecretValue, Update, …), for logs and metric labels. */
  action: string;
}

/** What a queue message turned out to be. Nothing here ever carries a value from the event. */
export type ParsedMessage =
  | { kind: "change"; change: RemoteChange }
  /** A well-formed event Ferry does not act on (a read-only call, another service, another operation). */
  | { kind: "ignored"; reason: string }
  /** Not an event Ferry can read: logged with the reason (never the body) and deleted. */
  | { kind: "malformed"; reason: string };
