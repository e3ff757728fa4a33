import { HeaderName } from '../headers/header-names.js';
import { readHeader, type HeaderSource } from '../headers/read-header.js';

/** One rate-limit window (the primary one is the short window, for example 5 hours). */
export interface RateLimitWindow {
  /** Used share of the window, in percent (0–100, may be fractional). */
  readonly usedPercent: number;
  /** Window length in minutes; `undefined` when the server did not say. */
  readonly windowMinutes?: number;
  /** When the window resets, in Unix epoch **seconds**; `undefined` when unknown. */
  readonly resetsAt?: number;
}

/** The account's credits. */
export interface RateLimitCredits {
  /** Whether the account has any credits. */
  readonly hasCredits: boolean;
  /** Whether the credits are unlimited. */
  readonly unlimited: boolean;
  /** Balance as the server formats it (for example `"12.50"`); `undefined` when not sent. */
  readonly balance?: string;
}

/**
 * The account's rate-limit state, from `x-codex-*` response headers (HTTP) or a
 * `codex.rate_limits` event (WebSocket). Every part is optional: servers send what they have.
 */
export interface RateLimitSnapshot {
  /** The primary (shorter) window. */
  readonly primary?: RateLimitWindow;
  /** The secondary (longer, for example weekly) window. */
  readonly secondary?: RateLimitWindow;
  /** Credits, when the server reports them. */
  readonly credits?: RateLimitCredits;
  /** The account's plan (`plus`, `pro`, …), when reported. */
  readonly planType?: string;
}

function parseNumber(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : undefined;
}

function parseBoolean(text: string | undefined): boolean | undefined {
  if (text === undefined) return undefined;
  const lower = text.trim().toLowerCase();
  if (lower === 'true' || lower === '1') return true;
  if (lower === 'false' || lower === '0') return false;
  return undefined;
}

function makeWindow(usedPercent: number | undefined, windowMinutes: number | null | undefined, resetsAt: number | null | undefined): RateLimitWindow | undefined {
  if (usedPercent === undefined || !Number.isFinite(usedPercent)) return undefined;
  return {
    usedPercent,
    ...(typeof windowMinutes === 'number' && Number.isFinite(windowMinutes) && windowMinutes > 0 ? { windowMinutes } : {}),
    ...(typeof resetsAt === 'number' && Number.isFinite(resetsAt) && resetsAt > 0 ? { resetsAt } : {}),
  };
}

function makeSnapshot(parts: {
  primary: RateLimitWindow | undefined;
  secondary: RateLimitWindow | undefined;
  credits: RateLimitCredits | undefined;
  planType: string | null | undefined;
}): RateLimitSnapshot | undefined {
  const snapshot: RateLimitSnapshot = {
    ...(parts.primary ? { primary: parts.primary } : {}),
    ...(parts.secondary ? { secondary: parts.secondary } : {}),
    ...(parts.credits ? { credits: parts.credits } : {}),
    ...(typeof parts.planType === 'string' && parts.planType !== '' ? { planType: parts.planType } : {}),
  };
  return Object.keys(snapshot).length === 0 ? undefined : snapshot;
}

/**
 * Parses the `x-codex-*` rate-limit headers. Returns `undefined` when the response carries
 * none of them (for example a plain OpenAI API response). A window needs at least its
 * `used-percent`; credits need both boolean flags. Malformed values are ignored, never thrown.
 */
export function rateLimitSnapshotFromHeaders(headers: HeaderSource): RateLimitSnapshot | undefined {
  const primary = makeWindow(
    parseNumber(readHeader(headers, HeaderName.CodexPrimaryUsedPercent)),
    parseNumber(readHeader(headers, HeaderName.CodexPrimaryWindowMinutes)),
    parseNumber(readHeader(headers, HeaderName.CodexPrimaryResetAt)),
  );
  const secondary = makeWindow(
    parseNumber(readHeader(headers, HeaderName.CodexSecondaryUsedPercent)),
    parseNumber(readHeader(headers, HeaderName.CodexSecondaryWindowMinutes)),
    parseNumber(readHeader(headers, HeaderName.CodexSecondaryResetAt)),
  );
  const hasCredits = parseBoolean(readHeader(headers, HeaderName.CodexCreditsHasCredits));
  const unlimited = parseBoolean(readHeader(headers, HeaderName.CodexCreditsUnlimited));
  const balance = readHeader(headers, HeaderName.CodexCreditsBalance)?.trim();
  const credits =
    hasCredits !== undefined && unlimited !== undefined ? { hasCredits, unlimited, ...(balance ? { balance } : {}) } : undefined;
  return makeSnapshot({ primary, secondary, credits, planType: undefined });
}

/** The wire shape of a `codex.rate_limits` event (see `CodexRateLimitsEventSchema`). */
export interface CodexRateLimitsEventLike {
  readonly plan_type?: string | null | undefined;
  readonly rate_limits?:
    | {
        readonly primary?: { readonly used_percent: number; readonly window_minutes?: number | null | undefined; readonly reset_at?: number | null | undefined } | null | undefined;
        readonly secondary?: { readonly used_percent: number; readonly window_minutes?: number | null | undefined; readonly reset_at?: number | null | undefined } | null | undefined;
      }
    | null
    | undefined;
  readonly credits?: { readonly has_credits: boolean; readonly unlimited: boolean; readonly balance?: string | number | null | undefined } | null | undefined;
}

/**
 * Converts a validated `codex.rate_limits` event into a {@link RateLimitSnapshot}; `undefined`
 * when it carries nothing.
 */
export function rateLimitSnapshotFromEvent(event: CodexRateLimitsEventLike): RateLimitSnapshot | undefined {
  const primary = event.rate_limits?.primary;
  const secondary = event.rate_limits?.secondary;
  const credits = event.credits;
  return makeSnapshot({
    primary: primary ? makeWindow(primary.used_percent, primary.window_minutes, primary.reset_at) : undefined,
    secondary: secondary ? makeWindow(secondary.used_percent, secondary.window_minutes, secondary.reset_at) : undefined,
    credits: credits
      ? {
          hasCredits: credits.has_credits,
          unlimited: credits.unlimited,
          ...(credits.balance !== null && credits.balance !== undefined ? { balance: String(credits.balance) } : {}),
        }
      : undefined,
    planType: event.plan_type,
  });
}
