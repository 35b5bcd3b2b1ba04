// @mailroom/core/http: the HTTP middleware stack every service's HTTP functions use, and its helpers.
export { httpStack, errorMapping } from './stack';
export type { HttpStackOptions, RouteSpec, BodySpec, HttpRequest, HttpResult } from './stack';
export { healthHandler } from './health';
export { authorize } from './auth';
export type { KeyAuthenticator } from './auth';
export { CachedKeyAuthenticator, cachedKeys, LAST_USED_INTERVAL_MS } from './key-cache';
export type { KeyCacheOptions } from './key-cache';
export { header, jsonBody } from './request';
export { json } from './respond';
