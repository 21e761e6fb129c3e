package io.prometheusrelay.tsdb.index;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import io.prometheusrelay.tsdb.model.Matcher;

/**
 * What selecting series by matchers needs of an index, a block's or the head's: the postings of a
 * label pair, of the values of a name that a predicate accepts, and of every series.
 */
public interface PostingsIndex {

	Postings allPostings();

	Postings postings(String name, String value);

	Postings postingsMatching(String name, Predicate<String> matches);

	/**
	 * The series every matcher selects, as Prometheus's {@code PostingsForMatchers}: the intersection
	 * of what each matcher that needs its label selects, less, for each matcher that a missing label
	 * satisfies, the series whose value it refuses. Equalities and alternations of literals look their
	 * postings up; other regular expressions are tested once per distinct value.
	 */
	default Postings select(List<Matcher> matchers) {
		Postings result = null;
		for (Matcher matcher : matchers) {
			if (matcher.matchesEmpty()) {
				continue;
			}
			Postings selected = positive(matcher);
			result = (result == null) ? selected : result.intersect(selected);
			if (result.isEmpty()) {
				return result;
			}
		}
		if (result == null) {
			result = allPostings();
		}
		for (Matcher matcher : matchers) {
			if (matcher.matchesEmpty()) {
				result = result.without(postingsMatching(matcher.name(), value -> !matcher.matches(value)));
			}
		}
		return result;
	}

	private Postings positive(Matcher matcher) {
		List<String> exact = matcher.exactValues();
		if (exact == null) {
			return postingsMatching(matcher.name(), matcher::matches);
		}
		List<Postings> lists = new ArrayList<>(exact.size());
		for (String value : exact) {
			lists.add(postings(matcher.name(), value));
		}
		return Postings.unionAll(lists);
	}

}
