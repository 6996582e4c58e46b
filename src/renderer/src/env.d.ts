/// <reference types="vite/client" />

/** Each native operation's HTTP method, path and query keys, from the contract at build time (electron.vite.config.ts). */
declare module 'virtual:mnemo-http-routes' {
  const routes: Record<
    import('../../shared/contract').OperationName,
    import('../../shared/http-request').HttpRoute
  >;
  export default routes;
}
