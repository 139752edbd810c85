package dev.accesspass.servlet;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The few small HTML pages the routes answer (the confirmation page of a mailed link and its result). Each is
 * static text plus escaped values, with no script, no external resource, no referrer and no framing:
 * {@code Content-Security-Policy: default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'}.
 * Stateless.
 */
final class HtmlPages {
    static final String CSP = "default-src 'none'; form-action 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'";

    private HtmlPages() {
    }

    /** Whether the client asked for HTML ({@code Accept} names {@code text/html}), as a browser's form post does. */
    static boolean wanted(HttpServletRequest request) {
        String accept = request.getHeader("Accept");
        return accept != null && accept.toLowerCase(Locale.ROOT).contains("text/html");
    }

    /** Writes a page; {@code bodyHtml} must already be safe HTML (values through {@link #escape}). */
    static void write(HttpServletResponse response, int status, String title, String bodyHtml) throws IOException {
        String html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"referrer\" content=\"no-referrer\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + escape(title) + "</title></head><body><h1>" + escape(title) + "</h1>" + bodyHtml
                + "</body></html>";
        byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("text/html");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Content-Security-Policy", CSP);
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /** HTML-escapes text for element content and quoted attribute values. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
