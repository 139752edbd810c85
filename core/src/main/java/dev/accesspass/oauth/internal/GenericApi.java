package dev.accesspass.oauth.internal;

import com.github.scribejava.core.builder.api.DefaultApi20;

/** A configured OAuth 2.0 / OIDC provider: just its two endpoints. Immutable. */
final class GenericApi extends DefaultApi20 {
    private final String authorizeUrl;
    private final String tokenUrl;

    GenericApi(String authorizeUrl, String tokenUrl) {
        this.authorizeUrl = authorizeUrl;
        this.tokenUrl = tokenUrl;
    }

    @Override
    public String getAccessTokenEndpoint() {
        return tokenUrl;
    }

    @Override
    protected String getAuthorizationBaseUrl() {
        return authorizeUrl;
    }
}
