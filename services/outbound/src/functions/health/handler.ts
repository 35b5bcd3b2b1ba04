export { healthHandler as handler } from '@mailroom/core/src/http/health';
