package io.moirai.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The commands' one way of printing: padded labels, grouped counts, plurals, a point for decimals. */
class ReportTest {

    @Test
    void padsLabelsToTheWidestAndFormatsInUsStyle() {
        StringWriter text = new StringWriter();
        Report report = new Report(new PrintWriter(text), "tcp", "pipeline");
        Locale before = Locale.getDefault();
        Locale.setDefault(Locale.FRANCE); // would group with a narrow no-break space and write 1,5
        try {
            report.line("tcp", "%,d bytes in %.1fs", 1_234_567, 1.5);
            report.line("pipeline", "%s", Report.count(1_000_000, "record"));
        } finally {
            Locale.setDefault(before);
        }
        assertThat(text.toString()).isEqualTo(String.format("tcp     : 1,234,567 bytes in 1.5s%npipeline: 1,000,000 records%n"));
    }

    @Test
    void countsWithPlurals() {
        assertThat(Report.count(0, "byte")).isEqualTo("0 bytes");
        assertThat(Report.count(1, "connection")).isEqualTo("1 connection");
        assertThat(Report.count(1_024, "connection")).isEqualTo("1,024 connections");
        assertThat(Report.count(-12_345)).isEqualTo("-12,345");
    }
}
