/** The AWS provider: Secrets Manager and Parameter Store, ESO-compatible store spec. */
export { AwsProvider, sdkApiFactory, type AwsApiFactory, type AwsProviderOptions } from "./provider.ts";
export { validateAwsStore } from "./validate-store.ts";
export type * from "./spec.ts";
