// What a caller of the service uses: its definition and start, its configuration, the views its
// API answers with and its error codes. Everything else is the service's own.
export type {
  CurrencyTotal,
  DirectoryEntry,
  DirectoryOrders,
  DirectoryPage,
} from './application/directory-queries.ts';
export type { UserView } from './application/user-rows.ts';
export { DEFAULT_PORT, loadConfig, type UsersConfig } from './config.ts';
export { UsersErrorCodes } from './domain/errors.ts';
export { startUsersService, type UsersService, usersService } from './service.ts';
