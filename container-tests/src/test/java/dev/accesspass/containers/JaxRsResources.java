package dev.accesspass.containers;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.SecurityContext;
import java.security.Principal;

/**
 * A small JAX-RS application behind the filter. Nothing in it knows about AccessPass: it sees the token's user
 * through the standard {@link SecurityContext}, which Jersey fills from the (wrapped) servlet request.
 */
final class JaxRsResources {
    private JaxRsResources() {
    }

    static String describe(SecurityContext security) {
        Principal principal = security.getUserPrincipal();
        return "{\"principal\":" + (principal == null ? "null" : "\"" + principal.getName() + "\"")
                + ",\"admin\":" + security.isUserInRole("admin")
                + ",\"scheme\":" + (security.getAuthenticationScheme() == null ? "null"
                        : "\"" + security.getAuthenticationScheme() + "\"") + "}";
    }

    /** {@code GET /rs/whoami}: open to all; echoes what {@link SecurityContext} says. */
    @Path("whoami")
    public static class WhoAmI {
        @GET
        @Produces(MediaType.APPLICATION_JSON)
        public String get(@Context SecurityContext security) {
            return describe(security);
        }
    }

    /** {@code GET /rs/admin}: {@code @RolesAllowed("admin")}, enforced by Jersey's {@code RolesAllowedDynamicFeature}. */
    @Path("admin")
    @RolesAllowed("admin")
    public static class AdminOnly {
        @GET
        @Produces(MediaType.APPLICATION_JSON)
        public String get(@Context SecurityContext security) {
            return describe(security);
        }
    }

    /** {@code GET /rs/secure/whoami}: under {@code protected-paths=/rs/secure/*}, so the filter itself demands a token. */
    @Path("secure/whoami")
    public static class SecureWhoAmI {
        @GET
        @Produces(MediaType.APPLICATION_JSON)
        public String get(@Context SecurityContext security) {
            return describe(security);
        }
    }
}
