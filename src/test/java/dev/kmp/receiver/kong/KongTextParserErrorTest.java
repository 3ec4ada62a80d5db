package dev.kmp.receiver.kong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kmp.model.Labels;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each kind of broken line, with the exact line, column and message it must be reported with. */
class KongTextParserErrorTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            # rows starting with '#' are CSV comments, so inputs starting with '#' are quoted with `
            # input (\\n = line break)               | line | column | message
            ok 1\\n{a="b"} 1                          | 2    | 1      | expected a metric name or '#'
            ok 1\\n9lives 1                           | 2    | 1      | expected a metric name or '#'
            m!x 1                                     | 1    | 2      | expected '{' or a space after the metric name
            m{a="b"}                                  | 1    | 9      | expected a value
            m                                         | 1    | 2      | expected a value
            m{a "b"} 1                                | 1    | 5      | expected '=' after label name
            m{a=b} 1                                  | 1    | 5      | expected '"' to start the label value
            m{a="b} 1                                 | 1    | 10     | expected '"' to end the label value
            m{a="b" c="d"} 1                          | 1    | 9      | expected ',' or '}' after the label value
            m{a="b",,} 1                              | 1    | 9      | expected a label name or '}'
            m{1a="b"} 1                               | 1    | 3      | expected a label name or '}'
            m{a:b="c"} 1                              | 1    | 4      | expected '=' after label name
            m{a="x\\ty"} 1                            | 1    | 7      | invalid escape in label value (only \\\\, \\" and \\n are allowed)
            m{a="1",b="2",a="3"} 1                    | 1    | 15     | duplicate label name 'a'
            m{a="1",b="2"} 1\\nm{a="1",b="3"} 1\\nm{a="1",a="2"} 1 | 3 | 9 | duplicate label name 'a'
            `# TYPE h histogram\\nh_bucket{a="1",le="1"} 1\\nh_bucket{a="2",le="1",le="2"} 2` | 3 | 23 | duplicate label name 'le'
            m{a="1"} one                              | 1    | 10     | invalid value 'one'
            m 1.2.3                                   | 1    | 3      | invalid value '1.2.3'
            m 1e                                      | 1    | 3      | invalid value '1e'
            m 1d                                      | 1    | 3      | invalid value '1d'
            m 0x10                                    | 1    | 3      | invalid value '0x10'
            m Infinit                                 | 1    | 3      | invalid value 'Infinit'
            m 1 12.5                                  | 1    | 5      | invalid timestamp '12.5'
            m 1 99999999999999999999                  | 1    | 5      | invalid timestamp '99999999999999999999'
            m 1 2 3                                   | 1    | 7      | expected end of line after the timestamp
            m 1 # {a="b"} 1                           | 1    | 5      | expected a timestamp or end of line after the value
            `# TYPE`                                  | 1    | 7      | expected a metric name after TYPE
            `# TYPE m`                                | 1    | 9      | expected a metric type after the metric name
            `# TYPE m gauges`                         | 1    | 10     | unknown metric type 'gauges'
            `# TYPE m gauge extra`                    | 1    | 16     | expected end of line after the metric type
            `# TYPE m-x gauge`                        | 1    | 9      | expected a space after the metric name
            `# HELP 1m text`                          | 1    | 8      | expected a metric name after HELP
            `# TYPE m gauge\\n# TYPE m counter`       | 2    | 10     | TYPE counter for m contradicts the earlier TYPE gauge
            m_bucket 1\\n# TYPE m_bucket histogram     | 2    | 17     | TYPE histogram for m_bucket comes after its samples
            `# TYPE h histogram\\nh 1`                | 2    | 1      | a sample of histogram h needs a _bucket, _count or _sum suffix
            `# TYPE h histogram\\nh_bucket{a="b"} 1`  | 2    | 1      | histogram bucket without an 'le' label
            `# TYPE h histogram\\nh_bucket{le="x"} 1` | 2    | 14     | invalid 'le' value 'x'
            `# TYPE h histogram\\nh_bucket{le="NaN"} 1` | 2    | 14     | invalid 'le' value 'NaN'
            `# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="x"} 2` | 3 | 14 | invalid 'le' value 'x'
            `# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le=""} 2` | 3 | 14 | invalid 'le' value ''
            `# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="2"} two` | 3 | 18 | invalid value 'two'
            `# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="2"}` | 3 | 17 | expected a value
            `# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="2"} 2 3 4` | 3 | 22 | expected end of line after the timestamp
            `# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="2\\\\"} 2` | 3 | 14 | invalid 'le' value '2\\\\'
            m{a="größe"} 1 2 x                        | 1    | 18     | expected end of line after the timestamp
            a 1\\r\\nb{c="d"} 1 x                    | 2    | 12     | invalid timestamp 'x'
            """)
    void reportsLineColumnAndWhatWasExpected(String input, int line, int column, String message) {
        String body = input.replace("\\n", "\n").replace("\\r", "\r");
        ParseException e = assertThrows(ParseException.class, () -> new KongTextParser().parse(
                new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), ParseOptions.plainText(Labels.EMPTY)));
        assertEquals(message, e.reason());
        assertEquals(line, e.line(), "line");
        assertEquals(column, e.column(), "column");
        assertEquals("line " + line + ", column " + column + ": " + message, e.getMessage());
    }
}
