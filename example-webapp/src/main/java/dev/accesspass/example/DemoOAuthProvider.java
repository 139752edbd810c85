package dev.accesspass.example;

import dev.accesspass.AccessPassConfig;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;

/**
 * The example's offline OAuth provider {@code demo}: mock-oauth2-server on a random loopback port, handing out one
 * demo person with a verified email. Configured through {@code accesspass.*} system properties before the filter
 * initialises, so {@code web.xml} stays the only wiring. On unless {@code EXAMPLE_DEMO_OAUTH=false}. For the demo
 * only: never run a mock provider next to real users.
 */
final class DemoOAuthProvider {
    private static final String CONFIG = """
            {"interactiveLogin": false,
             "tokenCallbacks": [{"issuerId": "demo", "tokenExpiry": 3600,
               "requestMappings": [{"requestParam": "grant_type", "match": "authorization_code",
                 "claims": {"sub": "demo-user-1", "email": "demo@example.test", "email_verified": true,
                            "preferred_username": "demo", "name": "Demo Person"}}]}]}""";

    private DemoOAuthProvider() {
    }

    static boolean enabled() {
        return !"false".equalsIgnoreCase(System.getenv().getOrDefault("EXAMPLE_DEMO_OAUTH", "true").trim());
    }

    /**
     * A running demo provider. {@link #stop()} shuts it down and clears the system properties {@link #start} set, so
     * a later start in the same JVM (tests) points at its own provider and port, not at this stopped one.
     */
    record Running(MockOAuth2Server server, List<String> propertiesSet) {
        void stop() {
            server.shutdown();
            propertiesSet.forEach(System::clearProperty);
        }
    }

    /** Starts the provider and points {@code oauth.demo.*}, and unless set {@code base-url} and the success URL, at it. */
    static Running start(int appPort) {
        MockOAuth2Server server = new MockOAuth2Server(OAuth2Config.Companion.fromJson(CONFIG));
        server.start(InetAddress.getLoopbackAddress(), 0);
        List<String> set = new ArrayList<>();
        setIfAbsent(set, "oauth.demo.client-id", "accesspass-example");
        setIfAbsent(set, "oauth.demo.client-secret", "demo-secret-not-a-real-one");
        setIfAbsent(set, "oauth.demo.scope", "openid email profile");
        setIfAbsent(set, "oauth.demo.authorize-url", server.authorizationEndpointUrl("demo").toString());
        setIfAbsent(set, "oauth.demo.token-url", server.tokenEndpointUrl("demo").toString());
        setIfAbsent(set, "oauth.demo.userinfo-url", server.userInfoUrl("demo").toString());
        String base = configured("base-url");
        if (base == null) {
            base = "http://localhost:" + appPort;
            System.setProperty("accesspass.base-url", base);
            set.add("accesspass.base-url");
        }
        setIfAbsent(set, "oauth-success-url", base.replaceAll("/+$", "") + "/");
        return new Running(server, List.copyOf(set));
    }

    private static void setIfAbsent(List<String> set, String key, String value) {
        if (configured(key) == null) {
            System.setProperty("accesspass." + key, value);
            set.add("accesspass." + key);
        }
    }

    private static String configured(String key) {
        String fromEnv = System.getenv(AccessPassConfig.envName(key));
        return fromEnv != null ? fromEnv : System.getProperty("accesspass." + key);
    }
}
