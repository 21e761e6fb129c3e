package io.prometheusrelay.tsdb.block;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.prometheusrelay.log.AtomicFile;
import io.prometheusrelay.tsdb.encoding.Decoder;
import io.prometheusrelay.tsdb.encoding.Encoder;
import io.prometheusrelay.tsdb.encoding.ModelCodec;
import io.prometheusrelay.tsdb.model.CorruptionException;
import io.prometheusrelay.tsdb.model.CreatedRange;
import io.prometheusrelay.tsdb.model.Exemplar;
import io.prometheusrelay.tsdb.model.MetricMetadata;

/**
 * {@code relay-annotations}, a file of this project's beside a block's own, for what Prometheus keeps
 * out of blocks: each series' exemplars and created-timestamp ranges in the block's time range, by the
 * series' reference in the block's index, and the metric families' metadata as of the block's cut.
 * Prometheus's tools ignore it.
 *
 * <pre>
 * magic:u32 version:u8
 * series:   count, then ref:uvarint exemplars:(count, then t:varint value:u64 labels)
 *           created:(count, then created:varint minTime:varint maxTime:varint)
 * metadata: count, then family:string type:u8 help:string unit:string
 * crc32c:u32
 * </pre>
 */
public final class AnnotationsFile {

	public static final String NAME = "relay-annotations";

	private static final int MAGIC = 0x5052414E;

	private static final int VERSION = 1;

	private AnnotationsFile() {
	}

	/** One series' annotations. */
	public record SeriesAnnotations(List<Exemplar> exemplars, List<CreatedRange> created) {

		public boolean isEmpty() {
			return this.exemplars.isEmpty() && this.created.isEmpty();
		}

	}

	/** What the file holds. */
	public record Contents(Map<Integer, SeriesAnnotations> series, Map<String, MetricMetadata> metadata) {

		static final Contents EMPTY = new Contents(Map.of(), Map.of());

	}

	static void write(Path block, Contents contents) throws IOException {
		Encoder out = new Encoder(1024);
		out.putBE32(MAGIC).putByte(VERSION).putUvarint(contents.series().size());
		contents.series().forEach((ref, annotations) -> {
			out.putUvarint(Integer.toUnsignedLong(ref)).putUvarint(annotations.exemplars().size());
			annotations.exemplars().forEach(exemplar -> ModelCodec.putExemplar(out, exemplar));
			out.putUvarint(annotations.created().size());
			annotations.created().forEach(range -> ModelCodec.putCreated(out, range));
		});
		out.putUvarint(contents.metadata().size());
		contents.metadata().values().forEach(metadata -> ModelCodec.putMetadata(out, metadata));
		out.putCrc32cOfRange(0);
		AtomicFile.write(block.resolve(NAME), out.toByteArray());
	}

	/** The block's annotations; none when it has no such file (a block Prometheus wrote). */
	public static Contents read(Path block) throws IOException {
		byte[] bytes;
		try {
			bytes = Files.readAllBytes(block.resolve(NAME));
		}
		catch (NoSuchFileException ex) {
			return Contents.EMPTY;
		}
		String name = block.resolve(NAME).toString();
		if (bytes.length < 9) {
			throw new CorruptionException(name + " is too short");
		}
		Decoder.verifyCrc32c(ByteBuffer.wrap(bytes), 0, bytes.length - 4, name);
		Decoder in = new Decoder(ByteBuffer.wrap(bytes), 0, bytes.length - 4);
		if (in.readBE32() != MAGIC || in.readByte() != VERSION) {
			throw new CorruptionException(name + " is not an annotations file of this version");
		}
		int seriesCount = ModelCodec.boundedCount(in);
		Map<Integer, SeriesAnnotations> series = new HashMap<>(seriesCount * 2);
		for (int i = 0; i < seriesCount; i++) {
			int ref = (int) in.readUvarint();
			List<Exemplar> exemplars = new ArrayList<>();
			for (int n = ModelCodec.boundedCount(in); n > 0; n--) {
				exemplars.add(ModelCodec.readExemplar(in));
			}
			List<CreatedRange> created = new ArrayList<>();
			for (int n = ModelCodec.boundedCount(in); n > 0; n--) {
				created.add(ModelCodec.readCreated(in));
			}
			series.put(ref, new SeriesAnnotations(exemplars, created));
		}
		Map<String, MetricMetadata> metadata = new HashMap<>();
		for (int n = ModelCodec.boundedCount(in); n > 0; n--) {
			MetricMetadata entry = ModelCodec.readMetadata(in);
			metadata.put(entry.family(), entry);
		}
		return new Contents(series, metadata);
	}

}
