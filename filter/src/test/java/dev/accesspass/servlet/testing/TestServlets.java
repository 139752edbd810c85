package dev.accesspass.servlet.testing;

import dev.accesspass.servlet.Protected;
import dev.accesspass.servlet.Public;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;

/** The application servlets behind the filter in {@link TestServer}. */
public final class TestServlets {
    private TestServlets() {
    }

    static void register(ServletContextHandler context) {
        context.addServlet(new ServletHolder("hello", new Hello()), "/api/hello");
        context.addServlet(new ServletHolder("admin", new Admin()), "/api/admin");
        context.addServlet(new ServletHolder("public-hello", new PublicHello()), "/public/hello");
        context.addServlet(new ServletHolder("forward", new Forward()), "/public/fwd");
        context.addServlet(new ServletHolder("include", new Include()), "/public/incl");
        context.addServlet(new ServletHolder("probe", new Probe()), "/probe");
        context.addServlet(new ServletHolder("mixed", new Mixed()), "/mixed");
    }

    static void write(HttpServletResponse response, String json) throws IOException {
        response.setContentType("application/json");
        response.getOutputStream().write(json.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code GET /api/hello}: {@code {"hello":"<username>"}}. */
    @Protected
    public static class Hello extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            write(response, "{\"hello\":\"" + request.getUserPrincipal().getName() + "\"}");
        }
    }

    /** {@code GET /api/recent}: needs an authentication of the last 60 s (API.md §6, §9). */
    public static class Recent extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        @Protected(maxAge = 60)
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            write(response, "{\"recent\":\"" + request.getUserPrincipal().getName() + "\"}");
        }
    }

    /** {@code GET /api/mfa}: needs a session with a second factor. */
    @Protected(mfa = true)
    public static class Mfa extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            write(response, "{\"mfa\":\"" + request.getUserPrincipal().getName() + "\"}");
        }
    }

    /** {@code GET /api/admin}: needs role {@code admin}. */
    @Protected(roles = "admin")
    public static class Admin extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            write(response, "{\"admin\":\"" + request.getRemoteUser() + "\"}");
        }
    }

    /** {@code GET /public/hello}: unprotected. */
    public static class PublicHello extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            write(response, "{\"hello\":\"world\"}");
        }
    }

    /** {@code GET /public/fwd}: unprotected itself, forwards to {@code /api/admin} (SR-53). */
    public static class Forward extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response)
                throws IOException, ServletException {
            request.getRequestDispatcher("/api/admin").forward(request, response);
        }
    }

    /** {@code GET /public/incl}: unprotected itself, includes {@code /api/admin}. */
    public static class Include extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response)
                throws IOException, ServletException {
            request.getRequestDispatcher("/api/admin").include(request, response);
        }
    }

    /**
     * {@code GET /probe}: unprotected; echoes {@code principal}, {@code remoteUser}, {@code admin}
     * ({@code isUserInRole("admin")}) and {@code authType}, {@code null} when absent.
     */
    public static class Probe extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String principal = request.getUserPrincipal() == null ? "null"
                    : "\"" + request.getUserPrincipal().getName() + "\"";
            String remoteUser = request.getRemoteUser() == null ? "null" : "\"" + request.getRemoteUser() + "\"";
            String authType = request.getAuthType() == null ? "null" : "\"" + request.getAuthType() + "\"";
            write(response, "{\"principal\":" + principal + ",\"remoteUser\":" + remoteUser
                    + ",\"admin\":" + request.isUserInRole("admin") + ",\"authType\":" + authType + "}");
        }
    }

    /** {@code /mixed}: the class is {@code @Protected}, {@code doPost} is {@code @Public}. */
    @Protected
    public static class Mixed extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            write(response, "{\"mixed\":\"get\"}");
        }

        @Override
        @Public
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            write(response, "{\"mixed\":\"post\"}");
        }
    }

    /**
     * {@code /methods}: unprotected class; {@code doPut} needs a token and {@code doPatch} the role {@code admin}.
     * {@code doPatch} is Servlet 6.1's handler (Tomcat 11), not an override under the 6.0 API this compiles against.
     */
    public static class PatchAdmin extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            write(response, "{\"methods\":\"get\"}");
        }

        @Override
        @Protected
        protected void doPut(HttpServletRequest request, HttpServletResponse response) throws IOException {
            write(response, "{\"methods\":\"put\"}");
        }

        @Protected(roles = "admin")
        protected void doPatch(HttpServletRequest request, HttpServletResponse response) throws IOException {
            write(response, "{\"methods\":\"patch\"}");
        }
    }

    /**
     * {@code /head}: unprotected class, {@code doGet} needs a token; {@code doHead} is overridden and calls
     * {@code super.doHead}, which runs {@code doGet}.
     */
    public static class HeadOverride extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        @Protected
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            response.setHeader("X-Ran", "doGet");
            write(response, "{\"head\":\"get\"}");
        }

        @Override
        protected void doHead(HttpServletRequest request, HttpServletResponse response)
                throws IOException, ServletException {
            response.setHeader("X-Head", "overridden");
            super.doHead(request, response);
        }
    }
}
