// Runs fauxqs (ESM only, so jest's CommonJS cannot load it) as its own process.
// Its CLI always logs every request, so the library is started here with the logger off.
//
// Queue URLs: fauxqs builds `http://sqs.<region>.localhost:<port>/<account>/<name>` and finds a
// queue by that exact URL. `sqs.us-east-1.localhost` does not resolve on every machine, and
// serverless-offline-sqs rewrites a queue URL's host to its configured endpoint before using it.
// So queues get `http://localhost:<port>/<account>/<name>` (what the local resolver hands out,
// src/cloudformation/resolver.ts), and any other URL ending in a known queue name finds it too.
import { startFauxqs } from 'fauxqs';

const port = Number(process.env.FAUXQS_PORT);
// Clients reach fauxqs through the presigned-URL checking proxy (src/standins/s3-presign-proxy.ts) on
// the public port, so queue URLs name that one.
const publicPort = Number(process.env.FAUXQS_PUBLIC_PORT ?? port);
const store = new URL('./sqs/sqsStore.js', import.meta.resolve('fauxqs'));
const { SqsStore } = await import(store.href);

SqsStore.prototype.buildQueueUrl = function buildQueueUrl(name) {
  return `http://localhost:${publicPort}/000000000000/${name}`;
};
const getQueue = SqsStore.prototype.getQueue;
SqsStore.prototype.getQueue = function getQueueByUrlOrName(url) {
  return (
    getQueue.call(this, url) ??
    (typeof url === 'string' ? this.getQueueByName(url.split('/').pop()) : undefined)
  );
};

const server = await startFauxqs({ port, logger: false });
process.stdout.write(`fauxqs listening on ${server.port}\n`);

const stop = () => server.stop().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
