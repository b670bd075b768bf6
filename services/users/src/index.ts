export { type BuildAppOptions, buildApp, type UsersApp } from './app.ts';
export type {
  CurrencyTotal,
  DirectoryEntry,
  DirectoryOrders,
  DirectoryPage,
} from './application/directory-queries.ts';
export type { UserView } from './application/user-rows.ts';
export { DEFAULT_PORT, loadConfig, type UsersConfig } from './config.ts';
export { migrations, usersMigrations } from './db/migrations.ts';
export type { UserDirectoryTable, UserOrderTotalsTable, UsersDatabase, UsersTable } from './db/tables.ts';
export { createDeps, type UsersDeps } from './deps.ts';
export { type UsersErrorCode, UsersErrorCodes } from './domain/errors.ts';
export { LANGUAGES, type Language } from './domain/user-fields.ts';
export {
  USER_DIRECTORY_PROJECTION,
  type UserDirectoryTables,
  userDirectoryProjection,
  usersProjections,
} from './projections/user-directory.projection.ts';
export { startUsersService, type UsersService, usersService } from './service.ts';
