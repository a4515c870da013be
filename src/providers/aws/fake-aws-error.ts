/** An error shaped like the SDK's service exceptions (name = AWS error code, HTTP status in $metadata), for fakes. */
export function awsError(code: string, message = code, status = 400): Error {
  return Object.assign(new Error(message), { name: code, $metadata: { httpStatusCode: status } });
}
