package dev.accesspass.example;

import dev.accesspass.AccessPass;
import dev.accesspass.mail.MailMessage;
import dev.accesspass.mail.SentMail;
import dev.accesspass.servlet.AccessPassFilter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /dev/outbox}: the emails the dev {@code log} mailer kept, newest last, as a JSON list of
 * {@code to}/{@code subject}/{@code text}/{@code sent_at}. With any other mailer it answers 404, so a production
 * deployment (mailer=smtp) never shows mail here. It reaches AccessPass through the servlet-context attribute the
 * filter sets.
 */
public class OutboxServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        AccessPass accessPass = (AccessPass) getServletContext().getAttribute(AccessPassFilter.CONTEXT_ATTRIBUTE);
        Optional<List<SentMail>> outbox = accessPass == null ? Optional.empty() : accessPass.outbox();
        response.setHeader("Cache-Control", "no-store");
        if (outbox.isEmpty()) {
            response.setStatus(HttpServletResponse.SC_NOT_FOUND);
            JsonOut.write(response, "{\"error\":\"the outbox exists only with mailer=log\"}");
            return;
        }
        StringBuilder json = new StringBuilder("[");
        for (SentMail sent : outbox.get()) {
            MailMessage message = sent.message();
            if (json.length() > 1) {
                json.append(',');
            }
            json.append("{\"to\":").append(JsonOut.quote(message.to()))
                    .append(",\"subject\":").append(JsonOut.quote(message.subject()))
                    .append(",\"text\":").append(JsonOut.quote(message.text()))
                    .append(",\"sent_at\":").append(JsonOut.quote(sent.sentAt().toString()))
                    .append('}');
        }
        JsonOut.write(response, json.append(']').toString());
    }
}
