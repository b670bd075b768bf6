export { type BuildAppOptions, buildApp, type UsersApp } from './app.ts';
export type { UserView } from './application/user-rows.ts';
export { type LogLevel, loadConfig, type UsersConfig } from './config.ts';
export { migrations, usersMigrations } from './db/migrations.ts';
export type { UsersDatabase, UsersTable } from './db/tables.ts';
export { createDeps, type UsersDeps } from './deps.ts';
export { type UsersErrorCode, UsersErrorCodes } from './domain/errors.ts';
export { LANGUAGES, type Language } from './domain/user-fields.ts';
export { type StartUsersServiceOptions, startUsersService, type UsersService } from './users-service.ts';
