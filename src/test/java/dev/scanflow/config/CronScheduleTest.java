package dev.scanflow.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CronScheduleTest {

    private static String quartz(String text) {
        return CronSchedule.toQuartz("scanflow.agent.schedule", text);
    }

    @Test
    void unixCronBecomesQuartzWithSecondsAndAQuestionMark() {
        assertEquals("0 */5 * * * ?", quartz("*/5 * * * *"));
        assertEquals("0 0 3 1 * ?", quartz("0 3 1 * *"));
        assertEquals("0 30 2 ? * 2-6", quartz("30 2 * * 1-5"));
        assertEquals("0 0 0 ? * 1", quartz("0 0 * * 0"));
        assertEquals("0 0 0 ? * 1", quartz("0 0 * * 7"));
        assertEquals("0 0 0 ? * 6-7,1", quartz("0 0 * * 5-7"));
        assertEquals("0 0 12 ? * MON,FRI", quartz("0 12 * * mon,fri"));
    }

    @Test
    void quartzCronIsKeptAsWritten() {
        assertEquals("0 */5 * * * ?", quartz("0 */5 * * * ?"));
        assertEquals("0 0 0 1 1 ? 2099", quartz("0 0 0 1 1 ? 2099"));
    }

    @Test
    void aWrongCronIsOneSentenceNamingTheKey() {
        InvalidSettings fields = assertThrows(InvalidSettings.class, () -> quartz("every minute"));
        assertTrue(fields.getMessage().startsWith("scanflow.agent.schedule='every minute' is not a cron"), fields.getMessage());
        InvalidSettings value = assertThrows(InvalidSettings.class, () -> quartz("61 * * * *"));
        assertTrue(value.getMessage().startsWith("scanflow.agent.schedule='61 * * * *' is not a valid cron"), value.getMessage());
        InvalidSettings both = assertThrows(InvalidSettings.class, () -> quartz("0 0 1 * 1"));
        assertTrue(both.getMessage().contains("OR the day of the week"), both.getMessage());
        assertThrows(InvalidSettings.class, () -> quartz("0 0 * * 8"));
    }

    @Test
    void agentSettingsTakeAUnixCron() {
        java.util.Properties properties = new java.util.Properties();
        properties.setProperty("scanflow.agent.code", "Agent-cron-code-0123456789abcdef");
        properties.setProperty("scanflow.agent.token", "t");
        properties.setProperty("scanflow.agent.schedule", "*/10 * * * *");
        assertEquals("0 */10 * * * ?", AgentSettings.from(SettingsSource.of(properties)).schedule());
    }
}
