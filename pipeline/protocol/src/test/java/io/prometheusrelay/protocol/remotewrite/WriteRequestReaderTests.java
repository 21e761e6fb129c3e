package io.prometheusrelay.protocol.remotewrite;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.google.protobuf.InvalidProtocolBufferException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class WriteRequestReaderTests {

	@Test
	void readsWhatProtobufEncodes() throws Exception {
		WriteRequest request = WriteRequest.newBuilder()
			.addTimeseries(series(new String[] { "__name__", "up", "job", "node" }, 1.5, 1000))
			.addTimeseries(series(new String[] { "__name__", "temp", "room", "k\u00fcche" }, Double.NaN, 2000)
				.toBuilder()
				.addSamples(Sample.newBuilder().setValue(-3).setTimestamp(3000))
				.addHistograms(Histogram.newBuilder().setTimestamp(500).setSum(2)))
			.addMetadata(MetricMetadata.newBuilder().setMetricFamilyName("up").setHelp("h"))
			.build();
		List<String> seen = new ArrayList<>();
		List<Integer> metadataLengths = new ArrayList<>();
		WriteRequestReader.read(request.toByteArray(), new WriteRequestReader.Visitor() {
			@Override
			public void series(EncodedSeries s) {
				StringBuilder line = new StringBuilder();
				for (int i = 0; i < s.labelCount(); i++) {
					line.append(s.name(i)).append('=').append(s.value(i)).append(' ');
				}
				for (int i = 0; i < s.sampleCount(); i++) {
					line.append(s.sampleValue(i)).append('@').append(s.sampleTimestamp(i)).append(' ');
				}
				line.append("h=").append(s.histogramCount()).append(" min=").append(s.minTimestamp());
				seen.add(line.toString());
			}

			@Override
			public void metadata(byte[] buf, int offset, int length) {
				metadataLengths.add(length);
			}
		});
		assertThat(seen).containsExactly("__name__=up job=node 1.5@1000 h=0 min=1000",
				"__name__=temp room=k\u00fcche NaN@2000 -3.0@3000 h=1 min=500");
		assertThat(metadataLengths).containsExactly(request.getMetadata(0).getSerializedSize());
	}

	@Test
	void canonicalLabelsAreTheSortedProtobufLabelsWhateverTheSenderOrder() throws Exception {
		TimeSeries unsorted = series(new String[] { "job", "node", "__name__", "up", "a", "" }, 1, 1);
		List<byte[]> keys = new ArrayList<>();
		WriteRequestReader.read(WriteRequest.newBuilder().addTimeseries(unsorted).build().toByteArray(),
				s -> keys.add(s.canonicalLabels()));
		TimeSeries parsed = TimeSeries.parseFrom(keys.get(0));
		assertThat(parsed.getLabelsList()).extracting(Label::getName).containsExactly("__name__", "a", "job");
		assertThat(parsed.getLabelsList()).extracting(Label::getValue).containsExactly("up", "", "node");
		TimeSeries.Builder sorted = TimeSeries.newBuilder();
		parsed.getLabelsList().forEach(sorted::addLabels);
		assertThat(keys.get(0)).as("same bytes as protobuf's own encoding").isEqualTo(sorted.build().toByteArray());
	}

	@Test
	void recognisesLabelsSentInCanonicalEncodingAndOnlyThose() throws Exception {
		assertThat(canonical(series(new String[] { "__name__", "up", "job", "node" }, 1, 1))).isTrue();
		assertThat(canonical(series(new String[] { "job", "node", "__name__", "up" }, 1, 1))).as("unsorted").isFalse();
		assertThat(canonical(series(new String[] { "__name__", "up", "job", "a", "job", "b" }, 1, 1))).as("duplicate")
			.isFalse();
		// protobuf-java writes fields in number order, so splice a series whose samples come first.
		byte[] samples = TimeSeries.newBuilder().addSamples(Sample.newBuilder().setValue(1).setTimestamp(1)).build().toByteArray();
		byte[] labels = TimeSeries.newBuilder().addLabels(Label.newBuilder().setName("__name__").setValue("up")).build().toByteArray();
		byte[] series = new byte[samples.length + labels.length];
		System.arraycopy(samples, 0, series, 0, samples.length);
		System.arraycopy(labels, 0, series, samples.length, labels.length);
		byte[] request = new byte[2 + series.length];
		request[0] = 0x0A;
		request[1] = (byte) series.length;
		System.arraycopy(series, 0, request, 2, series.length);
		boolean[] canonical = new boolean[1];
		WriteRequestReader.read(request, s -> canonical[0] = s.hasCanonicalLabels());
		assertThat(canonical[0]).as("labels after samples").isFalse();
	}

	@Test
	void canonicalLabelsReadInPlaceEqualTheReEncodedOnes() throws Exception {
		byte[] request = WriteRequest.newBuilder()
			.addTimeseries(series(new String[] { "__name__", "up", "empty", "", "job", "node" }, 1, 1))
			.build()
			.toByteArray();
		WriteRequestReader.read(request, s -> {
			assertThat(s.hasCanonicalLabels()).isTrue();
			assertThat(Arrays.copyOfRange(s.buffer(), s.labelsOffset(), s.labelsOffset() + s.labelsLength()))
				.isEqualTo(s.canonicalLabels());
		});
	}

	@Test
	void readsLabelsOfEveryLengthAroundTheOneByteLengthsAsProtobufDoes() throws Exception {
		int[] lengths = { 0, 1, 127, 128, 300 };
		for (int nameLength : lengths) {
			for (int valueLength : lengths) {
				String name = "n".repeat(nameLength);
				String value = "v".repeat(valueLength);
				TimeSeries series = series(new String[] { "__name__", "up", name, value }, 1, 1);
				List<String> read = new ArrayList<>();
				boolean[] canonical = new boolean[1];
				WriteRequestReader.read(WriteRequest.newBuilder().addTimeseries(series).build().toByteArray(), s -> {
					for (int i = 0; i < s.labelCount(); i++) {
						read.add(s.name(i) + "=" + s.value(i));
					}
					canonical[0] = s.hasCanonicalLabels();
				});
				assertThat(read).as("name of %d bytes, value of %d", nameLength, valueLength)
					.containsExactly("__name__=up", name + "=" + value);
				assertThat(canonical[0]).as("name of %d bytes, value of %d", nameLength, valueLength)
					.isEqualTo(nameLength > 0 && "__name__".compareTo(name) < 0);
			}
		}
	}

	private static boolean canonical(TimeSeries series) throws Exception {
		boolean[] canonical = new boolean[1];
		WriteRequestReader.read(WriteRequest.newBuilder().addTimeseries(series).build().toByteArray(),
				s -> canonical[0] = s.hasCanonicalLabels());
		return canonical[0];
	}

	@Test
	void rejectsTruncatedInput() {
		byte[] encoded = WriteRequest.newBuilder()
			.addTimeseries(series(new String[] { "__name__", "up" }, 1, 1))
			.build()
			.toByteArray();
		for (int cut = 1; cut < encoded.length; cut++) {
			byte[] truncated = Arrays.copyOf(encoded, cut);
			assertThatExceptionOfType(InvalidProtocolBufferException.class)
				.as("cut at %d of %d", cut, encoded.length)
				.isThrownBy(() -> WriteRequestReader.read(truncated, s -> {
				}));
		}
	}

	@Test
	void rejectsAWrongWireTypeForAKnownField() {
		byte[] notALengthDelimitedSeries = { 0x08, 0x01 };
		assertThatExceptionOfType(InvalidProtocolBufferException.class)
			.isThrownBy(() -> WriteRequestReader.read(notALengthDelimitedSeries, s -> {
			}))
			.withMessageContaining("wire type");
	}

	@Test
	void writerKeepsOnlyTheChosenSeriesByteForByte() throws Exception {
		WriteRequest request = WriteRequest.newBuilder()
			.addTimeseries(series(new String[] { "__name__", "keep" }, 1, 1))
			.addTimeseries(series(new String[] { "__name__", "drop" }, 2, 2))
			.addMetadata(MetricMetadata.newBuilder().setMetricFamilyName("keep"))
			.build();
		WriteRequestWriter writer = new WriteRequestWriter(64);
		WriteRequestReader.read(request.toByteArray(), new WriteRequestReader.Visitor() {
			@Override
			public void series(EncodedSeries s) {
				if (s.value(0).equals("keep")) {
					writer.series(s);
				}
			}

			@Override
			public void metadata(byte[] buf, int offset, int length) {
				writer.metadata(buf, offset, length);
			}
		});
		WriteRequest filtered = WriteRequest.parseFrom(writer.toByteArray());
		assertThat(filtered.getTimeseriesList()).containsExactly(request.getTimeseries(0));
		assertThat(filtered.getMetadataList()).isEqualTo(request.getMetadataList());
	}

	static TimeSeries series(String[] labels, double value, long timestamp) {
		TimeSeries.Builder builder = TimeSeries.newBuilder();
		for (int i = 0; i < labels.length; i += 2) {
			builder.addLabels(Label.newBuilder().setName(labels[i]).setValue(labels[i + 1]));
		}
		return builder.addSamples(Sample.newBuilder().setValue(value).setTimestamp(timestamp)).build();
	}

}
