package dev.accesspass.containers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.accesspass.AccessPass;
import dev.accesspass.AccessPassConfig;
import dev.accesspass.servlet.AccessPassFilter;
import dev.accesspass.testing.Http.Reply;
import dev.accesspass.testing.Http;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.util.EnumSet;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.filter.RolesAllowedDynamicFeature;
import org.glassfish.jersey.servlet.ServletContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A Jersey (JAX-RS) application behind the filter on Tomcat 11: {@code SecurityContext} answers for the token's user
 * and {@code @RolesAllowed} works through the principal integration (SR-54), with no AccessPass code in the
 * resources.
 *
 * <p>For an anonymous request to a {@code @RolesAllowed} resource Jersey's {@code RolesAllowedRequestFilter} answers
 * 403 (it does not challenge). An application that wants the 401 with {@code WWW-Authenticate: Bearer} lists the
 * resource paths in {@code protected-paths}, as {@code /rs/secure/*} is here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JaxRsTest {
    private static final String PASSWORD = "correct horse battery";
    private AccessPass accessPass;
    private TomcatServer tomcat;
    private Http http;

    @BeforeAll
    void start() throws Exception {
        accessPass = AccessPass.builder(AccessPassConfig.builder().set("protected-paths", "/rs/secure/*").build())
                .build();
        ServletContainerInitializer initializer = (classes, context) -> {
            context.addFilter("accesspass", new AccessPassFilter(accessPass)).addMappingForUrlPatterns(
                    EnumSet.of(DispatcherType.REQUEST, DispatcherType.FORWARD, DispatcherType.INCLUDE,
                            DispatcherType.ASYNC), false, "/*");
            ResourceConfig application = new ResourceConfig(JaxRsResources.WhoAmI.class,
                    JaxRsResources.AdminOnly.class, JaxRsResources.SecureWhoAmI.class)
                    .register(RolesAllowedDynamicFeature.class);
            context.addServlet("jersey", new ServletContainer(application)).addMapping("/rs/*");
            context.addListener(new ServletContextListener() {
                @Override
                public void contextDestroyed(ServletContextEvent event) {
                    accessPass.close(); // handed to the filter in code, so the application closes it
                }
            });
        };
        tomcat = TomcatServer.start(Webapps.codeOnlyApp(), initializer);
        http = tomcat.http();
    }

    @AfterAll
    void stop() throws Exception {
        if (tomcat != null) {
            tomcat.close();
        }
    }

    private String token(String username, boolean admin) {
        Reply registered = http.register(username, PASSWORD);
        assertThat(registered.status()).as(registered.toString()).isEqualTo(201);
        if (admin) {
            accessPass.grantRole(accessPass.findUser(username).orElseThrow().id(), "admin");
        }
        return registered.field("access_token");
    }

    @Test
    void SR54_securityContextAnswersForTheTokensUser() {
        assertThat(http.get("/rs/whoami", null).text())
                .isEqualTo("{\"principal\":null,\"admin\":false,\"scheme\":null}");
        assertThat(http.get("/rs/whoami", token("jaxrs-user", false)).text())
                .isEqualTo("{\"principal\":\"jaxrs-user\",\"admin\":false,\"scheme\":\"BEARER\"}");
        assertThat(http.get("/rs/whoami", token("jaxrs-admin", true)).text())
                .isEqualTo("{\"principal\":\"jaxrs-admin\",\"admin\":true,\"scheme\":\"BEARER\"}");
    }

    @Test
    void SR54_rolesAllowedWorksThroughThePrincipal() {
        assertThat(http.get("/rs/admin", null).status()).as("Jersey's answer for anonymous").isEqualTo(403);
        assertThat(http.get("/rs/admin", token("rs-user", false)).status()).isEqualTo(403);
        Reply admin = http.get("/rs/admin", token("rs-admin", true));
        assertThat(admin.status()).as(admin.toString()).isEqualTo(200);
        assertThat(admin.field("principal")).isEqualTo("rs-admin");
    }

    @Test
    void SR51_protectedPathsPutAJaxRsTreeBehindTheFilter() {
        Reply anonymous = http.get("/rs/secure/whoami", null);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.code()).isEqualTo("invalid_token");
        assertThat(anonymous.header("WWW-Authenticate")).hasValueSatisfying(
                challenge -> assertThat(challenge).startsWith("Bearer realm="));
        assertThat(http.get("/rs/secure/whoami", token("rs-secure", false)).field("principal"))
                .isEqualTo("rs-secure");
    }
}
