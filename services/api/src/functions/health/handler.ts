export { healthHandler as handler } from '@mailroom/core/http';
