package dev.kmp.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class JsonLogFormatterTest {
    @Test
    void oneParsableObjectPerLineWithParametersAndErrors() throws Exception {
        LogRecord r = new LogRecord(Level.WARNING, "scrape failed ({0}): {1}");
        r.setParameters(new Object[] {"parse", "http://k:8100/metrics: line 3, column 9: expected \"=\"\n"});
        r.setLoggerName("dev.kmp.receiver.kong.ScrapeLoop");
        r.setThrown(new IllegalStateException("boom"));
        String line = new JsonLogFormatter().format(r);
        assertTrue(line.endsWith("}\n") && line.indexOf('\n') == line.length() - 1, "one line: " + line);
        JsonNode json = new ObjectMapper().readTree(line);
        assertEquals("WARNING", json.get("level").asText());
        assertEquals("dev.kmp.receiver.kong.ScrapeLoop", json.get("logger").asText());
        assertEquals("scrape failed (parse): http://k:8100/metrics: line 3, column 9: expected \"=\"\n", json.get("message").asText());
        assertTrue(json.get("error").asText().startsWith("java.lang.IllegalStateException: boom"));
        assertTrue(json.get("time").asText().endsWith("Z"));
    }
}
