/**
 * React hooks for the sign-in flow and the kept session. React 18 or 19 is an optional peer dependency
 * of `enchanted-link`, needed only for this entry.
 *
 * Safe under StrictMode (a double mount creates no request and leaves no poll running) and in a server
 * render (neither hook touches `window` or `document` there; the kept session renders as signed out
 * until the page hydrates).
 *
 * @module enchanted-link/react
 */
import { useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import { createSignInFlow, type SignInFlow, type SignInFlowClient, type SignInFlowOptions, type SignInFlowSnapshot } from '../flow/create-sign-in-flow.js';
import type { SessionKeeperSnapshot, SessionKeeper } from '../keeper/create-session-keeper.js';

/**
 * What {@link useSignInFlow} returns: the flow's state and its actions (stable across renders).
 *
 * @category React
 */
export interface UseSignInFlowResult extends Pick<SignInFlow, 'start' | 'resend' | 'cancel'> {
  /** The flow's current state; see {@link SignInFlowSnapshot}. */
  snapshot: SignInFlowSnapshot;
}

/**
 * What {@link useSessionKeeper} returns: the keeper's state and its actions.
 *
 * @category React
 */
export interface UseSessionKeeperResult extends Pick<SessionKeeper, 'refresh' | 'signOut' | 'signOutAll'> {
  /** The keeper's current state; see {@link SessionKeeperSnapshot}. */
  snapshot: SessionKeeperSnapshot;
}

const SIGNED_OUT: SessionKeeperSnapshot = /* @__PURE__ */ Object.freeze({ status: 'signed-out', error: undefined });

/**
 * The enchanted-link sign-in of one component: a {@link createSignInFlow} store owned by the component.
 * Unmounting aborts the send and the poll; a new `client` starts a new flow. `options` are read when the
 * flow is created, except `onSignedIn`, whose latest value is called.
 *
 * @param client - An {@link enchanted-link!EnchantedLinkClient}, created once (outside the component or memoised).
 * @param options - See {@link SignInFlowOptions}.
 * @category React
 * @example
 * ```tsx
 * function SignIn() {
 *   const { snapshot, start, resend, cancel } = useSignInFlow(client, { onSignedIn: keeper.set });
 *   if (snapshot.status === 'waiting') {
 *     return <p>Open the link numbered {snapshot.linkId}. <button onClick={cancel}>Cancel</button>
 *       <button disabled={!snapshot.canResend} onClick={resend}>Resend</button></p>;
 *   }
 *   // onSubmit, not <form action={fn}>, which React 18 ignores (the browser would submit a GET).
 *   return <form onSubmit={(event) => { event.preventDefault(); start(String(new FormData(event.currentTarget).get('email'))); }}>
 *     <input name="email" type="email" required /> <button>Email me a link</button>
 *   </form>;
 * }
 * ```
 */
export function useSignInFlow(client: SignInFlowClient, options?: SignInFlowOptions): UseSignInFlowResult {
  const onSignedIn = useRef(options?.onSignedIn);
  onSignedIn.current = options?.onSignedIn;
  // Creating a flow has no side effect, so StrictMode's extra calls only create flows that are dropped.
  const flow = useMemo(
    () => createSignInFlow(client, { ...options, onSignedIn: (session) => onSignedIn.current?.(session) }),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- options are read once per flow, as documented
    [client],
  );
  useEffect(() => flow.dispose, [flow]);
  const snapshot = useSyncExternalStore(flow.subscribe, flow.getSnapshot, flow.getSnapshot);
  return { snapshot, start: flow.start, resend: flow.resend, cancel: flow.cancel };
}

/**
 * The state of a {@link SessionKeeper}, re-rendering when the session is set, refreshed or ends. The
 * keeper is the app's (create it once, at module level); the hook never disposes it.
 *
 * @param keeper - From {@link enchanted-link!createSessionKeeper}.
 * @category React
 * @example
 * ```tsx
 * function Account() {
 *   const { snapshot, signOut } = useSessionKeeper(keeper);
 *   if (snapshot.status === 'signed-out') return <SignIn />;
 *   return <p>{snapshot.session.user?.email} <button onClick={() => signOut()}>Sign out</button></p>;
 * }
 * ```
 */
export function useSessionKeeper(keeper: SessionKeeper): UseSessionKeeperResult {
  const snapshot = useSyncExternalStore(keeper.subscribe, keeper.getSnapshot, () => SIGNED_OUT);
  return { snapshot, refresh: keeper.refresh, signOut: keeper.signOut, signOutAll: keeper.signOutAll };
}


/** @deprecated Renamed to {@link useSignInFlow} (named after the flow it wraps); same hook. @category React */
export const useEnchantedLink: typeof useSignInFlow = useSignInFlow;

/** @deprecated Renamed to {@link useSessionKeeper} (named after the keeper it wraps); same hook. @category React */
export const useKeptSession: typeof useSessionKeeper = useSessionKeeper;

/** @deprecated Renamed to {@link UseSignInFlowResult}. @category React */
export type UseEnchantedLinkResult = UseSignInFlowResult;

/** @deprecated Renamed to {@link UseSessionKeeperResult}. @category React */
export type UseKeptSessionResult = UseSessionKeeperResult;
