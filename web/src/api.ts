// The console's one connection to the server: a gRPC-Web client of user.UserService on the
// page's own origin (the server's HTTP port), and the reading of gRPC errors for people.
import { Code, ConnectError, createClient, type Client, type Interceptor } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { BadRequestSchema } from "./gen/google/rpc/error_details_pb";
import { UserService } from "./gen/user_pb";

export type UserClient = Client<typeof UserService>;

const tokenKey = "user-system.token";

/** The bearer token a server with authentication needs; kept for this browser tab only. */
export const token = {
  get: (): string => sessionStorage.getItem(tokenKey) ?? "",
  set: (value: string): void => {
    if (value.trim() === "") {
      sessionStorage.removeItem(tokenKey);
    } else {
      sessionStorage.setItem(tokenKey, value.trim());
    }
  },
};

const bearer: Interceptor = (next) => async (request) => {
  const value = token.get();
  if (value !== "") {
    request.header.set("authorization", `Bearer ${value}`);
  }
  return next(request);
};

export function createUserClient(baseUrl: string = window.location.origin): UserClient {
  // gRPC-Web (not the Connect protocol): the server speaks gRPC, gRPC-Web and REST only.
  return createClient(UserService, createGrpcWebTransport({ baseUrl, interceptors: [bearer] }));
}

/** A failed call as the console shows it: the status, the message, and each field's problem. */
export interface CallFailure {
  code: string;
  message: string;
  fields: Map<string, string>;
}

export function describeError(error: unknown): CallFailure {
  const connectError = ConnectError.from(error);
  const fields = new Map<string, string>();
  // INVALID_ARGUMENT carries google.rpc.BadRequest: one violation per bad field.
  for (const badRequest of connectError.findDetails(BadRequestSchema)) {
    for (const violation of badRequest.fieldViolations) {
      fields.set(violation.field, violation.description);
    }
  }
  return { code: codeName(connectError.code), message: connectError.rawMessage, fields };
}

export function isCancel(error: unknown): boolean {
  return ConnectError.from(error).code === Code.Canceled;
}

// The canonical gRPC name, as the server's docs and logs spell it: Code.InvalidArgument -> INVALID_ARGUMENT.
function codeName(code: Code): string {
  return (Code[code] ?? String(code)).replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();
}
