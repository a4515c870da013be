/**
 * A counting STS for unit tests. It records each call with the access key id that signed it (the previous
 * hop's credentials), so chain order is asserted, and issues credentials that expire `lifetimeMs` after
 * the injected clock's now.
 */
import type {
  AssumeRoleRequest,
  AssumeRoleResponse,
  AssumeRoleWithWebIdentityRequest,
  AssumeRoleWithWebIdentityResponse,
} from "@aws-sdk/client-sts";
import type { Clock, CredentialSource } from "./credentials.ts";
import type { StsApi, StsFactory } from "./sts.ts";

export interface StsCall {
  action: "AssumeRole" | "AssumeRoleWithWebIdentity";
  input: AssumeRoleRequest | AssumeRoleWithWebIdentityRequest;
  signedBy: string | undefined;
}

export class FakeSts {
  readonly calls: StsCall[] = [];
  lifetimeMs = 3_600_000;
  #issued = 0;
  #failNext: Error | undefined;
  readonly #now: Clock;

  constructor(now: Clock) {
    this.#now = now;
  }

  /** The next call fails with `error`. */
  failNext(error: Error): void {
    this.#failNext = error;
  }

  count(action: StsCall["action"]): number {
    return this.calls.filter((c) => c.action === action).length;
  }

  readonly factory: StsFactory = (credentials: CredentialSource | undefined): StsApi => ({
    assumeRole: async (input: AssumeRoleRequest): Promise<AssumeRoleResponse> => this.#issue("AssumeRole", input, credentials),
    assumeRoleWithWebIdentity: async (input: AssumeRoleWithWebIdentityRequest): Promise<AssumeRoleWithWebIdentityResponse> =>
      this.#issue("AssumeRoleWithWebIdentity", input, credentials),
  });

  async #issue(action: StsCall["action"], input: StsCall["input"], credentials: CredentialSource | undefined) {
    const signedBy = credentials ? (await credentials.get()).accessKeyId : undefined;
    this.calls.push({ action, input, signedBy });
    const failure = this.#failNext;
    this.#failNext = undefined;
    if (failure) throw failure;
    const n = ++this.#issued;
    return {
      Credentials: {
        AccessKeyId: `ASIAFAKE${String(n).padStart(12, "0")}`,
        SecretAccessKey: `secret-${n}-${input.RoleArn}`,
        SessionToken: `session-token-${n}`,
        Expiration: new Date(this.#now() + this.lifetimeMs),
      },
    };
  }
}
