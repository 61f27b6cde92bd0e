#!/usr/bin/env node
// Calls all six seed RPCs of user.UserService and exits non-zero on any failure.
// Usage: node user_client.js [HOST:PORT]   (or USERS_ADDRESS; default 127.0.0.1:50051)
// The contract is loaded at start from the repository's proto/user.proto with @grpc/proto-loader.
'use strict';

const path = require('node:path');
const crypto = require('node:crypto');
const assert = require('node:assert/strict');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const UNARY_TIMEOUT_MS = 5_000; // the seed's deadlines
const STREAM_TIMEOUT_MS = 30_000;
const PROTO = path.join(__dirname, '..', '..', 'proto', 'user.proto');
// The channel retries a call that never reached a working server (UNAVAILABLE), as the C# client
// library does. A retry resends the same message, so a CreateUser keeps its request_id.
const SERVICE_CONFIG = JSON.stringify({
  methodConfig: [{
    name: [{ service: 'user.UserService' }],
    retryPolicy: { maxAttempts: 4, initialBackoff: '0.2s', maxBackoff: '2s', backoffMultiplier: 2, retryableStatusCodes: ['UNAVAILABLE'] },
  }],
});

const definition = protoLoader.loadSync(PROTO, { keepCase: true, longs: Number, enums: String, defaults: true, includeDirs: [path.dirname(PROTO)] });
const { UserService } = grpc.loadPackageDefinition(definition).user;

const deadline = (ms) => ({ deadline: new Date(Date.now() + ms) });
// A server with Auth:Mode=Jwt needs a bearer token on every call: take it from USERS_TOKEN, as the
// `users` CLI does (mint a development one with scripts/dev-token.sh). Over loopback h2c it goes
// as plain metadata; anywhere else, use TLS (grpc.credentials.createSsl) so it is never in clear text.
const metadata = () => {
  const headers = new grpc.Metadata();
  if (process.env.USERS_TOKEN) headers.set('authorization', `Bearer ${process.env.USERS_TOKEN}`);
  return headers;
};
const newUser = (name) => ({ name, email: `node-${crypto.randomUUID()}@example.com`, age: 44, hobbies: ['javascript'] });
// One request_id per user to create: a retry of this request (by the channel, or by the caller
// resending it) answers the user the first attempt created instead of ALREADY_EXISTS.
const newCreate = (name) => ({ ...newUser(name), request_id: crypto.randomUUID() });
const unary = (client, method, request) => new Promise((resolve, reject) =>
  client[method](request, metadata(), deadline(UNARY_TIMEOUT_MS), (error, response) => (error ? reject(error) : resolve(response))));

// Read-your-writes: every answer carries a `consistency-token` header; sending the newest one back
// makes a read see at least what this client wrote or saw, whichever server instance or database
// standby serves it. Calls here run one at a time, and the server never answers an older token
// than it was sent, so the last one received is the newest (a client with concurrent calls keeps
// the one with the highest position instead).
class ConsistencyToken {
  static HEADER = 'consistency-token';
  value = '';
  metadata() {
    const headers = metadata();
    if (this.value) headers.set(ConsistencyToken.HEADER, this.value);
    return headers;
  }
  remember(headers) {
    const [value] = headers.get(ConsistencyToken.HEADER);
    if (value) this.value = String(value);
  }
  // A unary call with the token: remembers the answer's token (it comes before the response).
  unary(client, method, request) {
    return new Promise((resolve, reject) => {
      const call = client[method](request, this.metadata(), deadline(UNARY_TIMEOUT_MS), (error, response) => (error ? reject(error) : resolve(response)));
      call.on('metadata', (headers) => this.remember(headers));
    });
  }
  // A stream's token comes with its first message, and the newest in its trailers.
  follow(call) {
    call.on('metadata', (headers) => this.remember(headers));
    call.on('status', (status) => this.remember(status.metadata));
    return call;
  }
}
const collect = (call) => new Promise((resolve, reject) => {
  const items = [];
  call.on('data', (item) => items.push(item));
  call.on('error', reject);
  call.on('end', () => resolve(items));
});

async function run(address) {
  const client = new UserService(address, grpc.credentials.createInsecure(), { 'grpc.service_config': SERVICE_CONFIG });
  try {
    const token = new ConsistencyToken();
    const request = newCreate('Node Client');
    const created = await token.unary(client, 'CreateUser', request);
    assert.ok(token.value, 'CreateUser answered no consistency-token');
    console.log(`CreateUser: id=${created.user.id} message='${created.message}' ${ConsistencyToken.HEADER}=${token.value}`);
    const again = await unary(client, 'CreateUser', request);
    assert.equal(again.user.id, created.user.id, 'a retry with the same request_id created another user');
    console.log(`CreateUser again with request_id ${request.request_id}: the same user ${again.user.id}`);

    // The reads carry the token of the create (and then of each read): they see the new user.

    const fetched = await token.unary(client, 'GetUser', { id: created.user.id });
    assert.equal(fetched.email, created.user.email, 'GetUser returned another user');
    console.log(`GetUser: ${fetched.name} <${fetched.email}> status=${fetched.status}`);

    const page = await token.unary(client, 'ListUsers', { page: 0, limit: 5 });
    assert.ok(page.total >= 1, 'ListUsers counted no users');
    console.log(`ListUsers: ${page.users.length} users on page 0 of ${page.total}`);

    const streamed = await collect(token.follow(client.StreamUsers({ delay_seconds: 0 }, token.metadata(), deadline(STREAM_TIMEOUT_MS))));
    assert.ok(streamed.some((user) => user.id === created.user.id), 'StreamUsers missed the new user');
    console.log(`StreamUsers: ${streamed.length} users`);

    const batch = await new Promise((resolve, reject) => {
      const call = client.CreateBatchUsers(metadata(), deadline(STREAM_TIMEOUT_MS), (error, response) => (error ? reject(error) : resolve(response)));
      for (let i = 0; i < 3; i++) call.write(newUser(`Node Batch ${i}`));
      call.end();
    });
    assert.equal(batch.created_count, 3, `CreateBatchUsers created ${batch.created_count}`);
    console.log(`CreateBatchUsers: '${batch.message}'`);

    const chat = client.ChatWithUsers(metadata(), deadline(STREAM_TIMEOUT_MS));
    const chatted = collect(chat);
    for (let i = 0; i < 2; i++) chat.write(newUser(`Node Chat ${i}`));
    chat.end();
    const users = await chatted;
    assert.deepEqual(users.map((user) => user.name), ['Node Chat 0', 'Node Chat 1'], 'ChatWithUsers answered other users');
    console.log(`ChatWithUsers: created ${users.map((user) => user.id).join(', ')}`);

    const failure = await unary(client, 'GetUser', { id: 0 }).then(() => null, (error) => error);
    assert.ok(failure, 'GetUser(0) should have failed');
    assert.equal(failure.code, grpc.status.INVALID_ARGUMENT, `GetUser(0) failed with ${failure.code}`);
    console.log(`GetUser(0): INVALID_ARGUMENT as expected: ${failure.details}`);
  } finally {
    client.close();
  }
}

const address = (process.argv[2] ?? process.env.USERS_ADDRESS ?? '127.0.0.1:50051').replace(/^http:\/\//, '').replace(/\/$/, '');
run(address).then(
  () => console.log('all six RPCs OK'),
  (error) => {
    const status = error.code !== undefined && grpc.status[error.code] ? `${grpc.status[error.code]}: ${error.details}` : error.message;
    console.error(`error: ${status}`);
    process.exitCode = 1;
  });
