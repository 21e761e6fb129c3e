package io.prometheusrelay.proxy.scrape;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prometheusrelay.proxy.exposition.ByteSink;
import io.prometheusrelay.proxy.exposition.ExpositionParser;
import io.prometheusrelay.proxy.exposition.MergedExposition;
import org.junit.jupiter.api.Test;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;

import static org.assertj.core.api.Assertions.assertThat;

class ExpositionChunksTests {

	private final Timer writeTime = Timer.builder("write").register(new SimpleMeterRegistry());

	@Test
	void streamsTheWholeExpositionInBoundedChunks() throws IOException {
		MergedExposition merged = merged(300);
		List<byte[]> chunks = chunks(new ExpositionChunks(merged, false, this.writeTime));
		assertThat(chunks).hasSizeGreaterThan(3);
		// A chunk ends after the piece that filled it: one application's samples of a family, small here.
		assertThat(chunks).allSatisfy(chunk -> assertThat(chunk.length).isLessThan(ExpositionChunks.CHUNK_SIZE + 4096));
		assertThat(new String(concat(chunks), StandardCharsets.UTF_8)).isEqualTo(written(merged));
		assertThat(this.writeTime.count()).isEqualTo(1);
	}

	@Test
	void gzipStreamDecompressesToTheExposition() throws IOException {
		MergedExposition merged = merged(300);
		List<byte[]> chunks = chunks(new ExpositionChunks(merged, true, this.writeTime));
		assertThat(chunks).hasSizeGreaterThan(1);
		try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(concat(chunks)))) {
			assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(written(merged));
		}
	}

	@Test
	void anEmptyExpositionIsAnEmptyBody() {
		List<byte[]> chunks = chunks(new ExpositionChunks(new MergedExposition(false), false, this.writeTime));
		assertThat(concat(chunks)).isEmpty();
	}

	private static List<byte[]> chunks(ExpositionChunks stream) {
		List<byte[]> chunks = new ArrayList<>();
		DefaultDataBufferFactory buffers = DefaultDataBufferFactory.sharedInstance;
		for (DataBuffer chunk = stream.next(buffers); chunk != null; chunk = stream.next(buffers)) {
			byte[] bytes = new byte[chunk.readableByteCount()];
			chunk.read(bytes);
			chunks.add(bytes);
		}
		assertThat(stream.next(buffers)).isNull();
		return chunks;
	}

	private static MergedExposition merged(int applications) {
		MergedExposition merged = new MergedExposition(false);
		for (int app = 0; app < applications; app++) {
			StringBuilder text = new StringBuilder();
			for (int family = 0; family < 20; family++) {
				text.append("# HELP family_").append(family).append(" Some family.\n");
				text.append("# TYPE family_").append(family).append(" gauge\n");
				for (int series = 0; series < 10; series++) {
					text.append("family_").append(family).append("{series=\"").append(series).append("\"} ")
						.append(app).append('\n');
				}
			}
			merged.add(ExpositionParser.parse(text.toString(), List.of(Map.entry("instance", "app-" + app)), 1000));
		}
		return merged;
	}

	private static String written(MergedExposition merged) {
		ByteSink out = new ByteSink(1024);
		merged.writeTo(out);
		return new String(out.take(), StandardCharsets.UTF_8);
	}

	private static byte[] concat(List<byte[]> chunks) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		chunks.forEach(out::writeBytes);
		return out.toByteArray();
	}

}
