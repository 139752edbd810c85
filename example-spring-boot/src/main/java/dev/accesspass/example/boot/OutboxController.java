package dev.accesspass.example.boot;

import dev.accesspass.AccessPass;
import dev.accesspass.mail.SentMail;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /dev/outbox}: the emails the dev {@code log} mailer kept, newest last, as a JSON list of
 * {@code to}/{@code subject}/{@code text}/{@code sent_at}; 404 with any other mailer, so a production deployment
 * (mailer=smtp) never shows mail here.
 */
@RestController
public class OutboxController {
    private final AccessPass accessPass;

    public OutboxController(AccessPass accessPass) {
        this.accessPass = accessPass;
    }

    @GetMapping("/dev/outbox")
    public ResponseEntity<Object> outbox() {
        Optional<List<SentMail>> outbox = accessPass.outbox();
        if (outbox.isEmpty()) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND)
                    .body(Map.of("error", "the outbox exists only with mailer=log"));
        }
        List<Map<String, String>> mails = outbox.get().stream().map(sent -> Map.of(
                "to", sent.message().to(), "subject", sent.message().subject(), "text", sent.message().text(),
                "sent_at", sent.sentAt().toString())).toList();
        return ResponseEntity.ok(mails);
    }
}
