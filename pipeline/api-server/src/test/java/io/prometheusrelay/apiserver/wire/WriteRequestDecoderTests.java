package io.prometheusrelay.apiserver.wire;

import java.nio.charset.StandardCharsets;
import java.util.List;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.prometheusrelay.protocol.remotewrite.Label;
import io.prometheusrelay.protocol.remotewrite.TimeSeries;
import io.prometheusrelay.protocol.remotewrite.WriteRequest;
import io.prometheusrelay.tsdb.model.Labels;
import io.prometheusrelay.tsdb.model.SeriesKey;
import io.prometheusrelay.tsdb.model.SeriesWrite;
import io.prometheusrelay.tsdb.model.WriteBatch;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * A relayed request's series keep their labels encoded, keyed, when Prometheus sent them in canonical
 * form and valid UTF-8; those keys decode to exactly the labels a full decode gives. Anything else is
 * decoded at once, and refused at once when it is not a label set.
 */
class WriteRequestDecoderTests {

	@Test
	void keysCanonicalAsciiLabelsAndDecodesThemAsAFullDecodeWould() throws Exception {
		String longValue = "v".repeat(300) + "=\"\\{}";
		WriteBatch batch = WriteRequestDecoder.decode(request(series("__name__", "up", "empty", "", "job", "a"),
				series("__name__", "long", "path", longValue), series("a", "1")));
		assertThat(batch.series()).allSatisfy(write -> assertThat(write.key()).isNotNull());
		assertThat(batch.series()).extracting(SeriesWrite::labels)
			.containsExactly(Labels.of("__name__", "up", "empty", "", "job", "a"),
					Labels.of("__name__", "long", "path", longValue), Labels.of("a", "1"));
	}

	@Test
	void theSameLabelsGiveEqualKeysInEveryRequestAndOtherLabelsOtherKeys() throws Exception {
		SeriesKey first = key(request(series("__name__", "up", "job", "a")));
		SeriesKey again = key(request(series("__name__", "other", "job", "b"), series("__name__", "up", "job", "a")), 1);
		SeriesKey other = key(request(series("__name__", "up", "job", "b")));
		assertThat(again).isEqualTo(first).hasSameHashCodeAs(first);
		assertThat(other).isNotEqualTo(first);
	}

	@Test
	void keysLabelsBeyondAsciiWhenTheyAreValidUtf8() throws Exception {
		WriteBatch batch = WriteRequestDecoder.decode(request(series("__name__", "température", "job", "温度"),
				series("__name__", "up", "emoji", "🌡", "z", "é".repeat(100))));
		assertThat(batch.series()).allSatisfy(write -> assertThat(write.key()).isNotNull());
		assertThat(batch.series()).extracting(SeriesWrite::labels)
			.containsExactly(Labels.of("__name__", "température", "job", "温度"),
					Labels.of("__name__", "up", "emoji", "🌡", "z", "é".repeat(100)));
	}

	@Test
	void decodesAtOnceLabelsThatAreNotSortedOrNotValidUtf8() throws Exception {
		// Protobuf refuses to encode a malformed string: encode a placeholder, then break it.
		byte[] request = request(series("job", "a", "__name__", "up"), series("__name__", "up", "job", "a#("));
		int placeholder = indexOf(request, "a#(".getBytes(StandardCharsets.US_ASCII));
		request[placeholder + 1] = (byte) 0xC3;
		WriteBatch batch = WriteRequestDecoder.decode(request);
		assertThat(batch.series()).allSatisfy(write -> assertThat(write.key()).isNull());
		assertThat(batch.series()).extracting(SeriesWrite::labels)
			.containsExactly(Labels.of("__name__", "up", "job", "a"), Labels.of("__name__", "up", "job", "a\uFFFD("));
	}

	@Test
	void refusesALabelNameGivenTwiceWhileDecoding() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> WriteRequestDecoder.decode(request(series("job", "a", "__name__", "up", "job", "b"))));
	}

	@Test
	void labelsNotEncodedMinimallyAreDecodedAtOnce() throws Exception {
		// The label's length as a two-byte varint where one byte would do: valid protobuf, not canonical.
		byte[] label = Label.newBuilder().setName("__name__").setValue("up").build().toByteArray();
		ByteString.Output series = ByteString.newOutput();
		CodedOutputStream out = CodedOutputStream.newInstance(series);
		out.writeTag(1, 2);
		out.writeRawByte((byte) (label.length | 0x80));
		out.writeRawByte((byte) 0);
		out.writeRawBytes(label);
		out.flush();
		ByteString.Output request = ByteString.newOutput();
		CodedOutputStream requestOut = CodedOutputStream.newInstance(request);
		requestOut.writeBytes(1, series.toByteString());
		requestOut.flush();
		WriteBatch batch = WriteRequestDecoder.decode(request.toByteString().toByteArray());
		assertThat(batch.series().get(0).key()).isNull();
		assertThat(batch.series().get(0).labels()).isEqualTo(Labels.of("__name__", "up"));
	}

	private static int indexOf(byte[] bytes, byte[] part) {
		for (int i = 0; i + part.length <= bytes.length; i++) {
			if (java.util.Arrays.equals(bytes, i, i + part.length, part, 0, part.length)) {
				return i;
			}
		}
		throw new AssertionError("Not found");
	}

	private static SeriesKey key(byte[] request) throws Exception {
		return key(request, 0);
	}

	private static SeriesKey key(byte[] request, int series) throws Exception {
		SeriesKey key = WriteRequestDecoder.decode(request).series().get(series).key();
		assertThat(key).isNotNull();
		return key;
	}

	private static TimeSeries series(String... namesAndValues) {
		TimeSeries.Builder series = TimeSeries.newBuilder();
		for (int i = 0; i < namesAndValues.length; i += 2) {
			series.addLabels(Label.newBuilder().setName(namesAndValues[i]).setValue(namesAndValues[i + 1]));
		}
		return series.addSamples(io.prometheusrelay.protocol.remotewrite.Sample.newBuilder().setTimestamp(1).setValue(2))
			.build();
	}

	private static byte[] request(TimeSeries... series) {
		return WriteRequest.newBuilder().addAllTimeseries(List.of(series)).build().toByteArray();
	}

}
