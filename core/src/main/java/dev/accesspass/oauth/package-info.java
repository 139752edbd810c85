/** OAuth 2.0 / OpenID Connect social login: the profile a provider returns and how it maps to a local user. */
package dev.accesspass.oauth;
