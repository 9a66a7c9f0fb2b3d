/**
 * `enchanted-link/redis`: the server kit's state and the request budget's pace in Redis, shared by every
 * instance of an app. Pass a connected node-redis client (`redis`, an optional peer dependency: install it
 * only if you use this entry); no Redis type is part of this package's API.
 *
 * @module enchanted-link/redis
 */
export { RedisStore, type RedisStoreOptions } from './store.js';
export type { RedisCommands } from './client.js';
export { RedisBudgetStore, type RedisBudgetStoreOptions } from './budget-store.js';
