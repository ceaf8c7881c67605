package dev.scanflow.config;

import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.quartz.CronExpression;

/**
 * A schedule as operators write it: a 5-field Unix cron ({@code *}{@code /5 * * * *}) or a 6/7-field Quartz
 * cron ({@code 0 *}{@code /5 * * * ?}), checked at start and given to camel-quartz in Quartz's form.
 *
 * <p>Unix → Quartz: a seconds field 0 is put in front; day-of-week numbers move from Unix's 0-7 (0 and 7 are
 * Sunday) to Quartz's 1-7 (1 is Sunday), names stay; Quartz wants {@code ?} in one of day-of-month and
 * day-of-week. Unix runs a job when EITHER restricted day field matches, which Quartz cannot say: such a
 * schedule is refused with a sentence rather than run on other days.
 */
public final class CronSchedule {

    private CronSchedule() {
    }

    /** The Quartz form of {@code text}, or {@link InvalidSettings} naming {@code key}. */
    public static String toQuartz(String key, String text) {
        String[] fields = text.strip().split("\\s+");
        String quartz = switch (fields.length) {
            case 5 -> fromUnix(key, text, fields);
            case 6, 7 -> String.join(" ", fields);
            default -> throw new InvalidSettings(key + "='" + text + "' is not a cron: use 5 fields (Unix: minute hour"
                    + " day-of-month month day-of-week, e.g. */5 * * * *) or 6-7 (Quartz: 0 */5 * * * ?)");
        };
        try {
            CronExpression.validateExpression(quartz);
        } catch (ParseException e) {
            throw new InvalidSettings(key + "='" + text + "' is not a valid cron: " + e.getMessage()
                    + (fields.length == 5 ? " (read as Quartz '" + quartz + "')" : ""));
        }
        return quartz;
    }

    private static String fromUnix(String key, String text, String[] f) {
        String dayOfMonth = f[2];
        String dayOfWeek = f[4];
        boolean domAny = dayOfMonth.equals("*") || dayOfMonth.equals("?");
        boolean dowAny = dayOfWeek.equals("*") || dayOfWeek.equals("?");
        if (!domAny && !dowAny) {
            throw new InvalidSettings(key + "='" + text + "': Unix cron runs when the day of the month OR the day of"
                    + " the week matches, which Quartz cannot express; restrict only one of them, or write a Quartz cron");
        }
        if (dowAny) {
            dayOfWeek = "?";
        } else {
            dayOfMonth = "?";
            dayOfWeek = unixDaysOfWeek(key, text, dayOfWeek);
        }
        return String.join(" ", "0", f[0], f[1], dayOfMonth, f[3], dayOfWeek);
    }

    /** 0-7 → 1-7 in every list item and range; a range ending on 7 (Sunday) is split, Quartz has no 8. */
    private static String unixDaysOfWeek(String key, String text, String field) {
        List<String> out = new ArrayList<>();
        for (String item : field.split(",")) {
            String step = "";
            int slash = item.indexOf('/');
            if (slash >= 0) {
                step = item.substring(slash);
                item = item.substring(0, slash);
            }
            if (item.equals("*")) {
                out.add("*" + step);
                continue;
            }
            String[] range = item.split("-", -1);
            if (range.length == 1) {
                out.add(day(key, text, range[0]) + step);
            } else if (range.length == 2) {
                String from = day(key, text, range[0]);
                if (range[1].equals("7") && step.isEmpty()) {
                    out.add(from.equals("1") ? "1-7" : from + "-7,1");
                } else {
                    out.add(from + "-" + day(key, text, range[1]) + step);
                }
            } else {
                throw new InvalidSettings(key + "='" + text + "': '" + item + "' is not a day-of-week range");
            }
        }
        return String.join(",", out);
    }

    private static String day(String key, String text, String value) {
        if (value.matches("\\d+")) {
            int day = Integer.parseInt(value);
            if (day > 7) {
                throw new InvalidSettings(key + "='" + text + "': day of week " + day + " is not 0-7");
            }
            return Integer.toString(day % 7 + 1);
        }
        return value.toUpperCase(Locale.ROOT);
    }
}
