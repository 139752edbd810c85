/**
 * Provider plumbing on ScribeJava (PKCE, token exchange, profile mapping). Public only so that core's root package
 * can use it: not API, it may change in any release.
 */
package dev.accesspass.oauth.internal;
