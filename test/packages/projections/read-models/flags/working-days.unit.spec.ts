import { expect } from 'chai';
import { WorkingDayCalendarOutOfRange, addWorkingDays, isWorkingDay, workingDayCalendarRange, workingDaysBetween } from '@quanze/projections';

describe('working days (工作日, State Council calendar via chinese-days)', () => {
  describe('around the 2025 National Day holiday (国庆节、中秋节 10月1日至8日, 9月28日、10月11日上班)', () => {
    it('knows the holiday, the adjusted working Sunday and Saturday, and ordinary weekends', () => {
      expect(isWorkingDay('2025-09-26')).to.equal(true); // Friday
      expect(isWorkingDay('2025-09-27')).to.equal(false); // Saturday
      expect(isWorkingDay('2025-09-28')).to.equal(true); // Sunday, 调休 working day
      expect(isWorkingDay('2025-10-01')).to.equal(false);
      expect(isWorkingDay('2025-10-08')).to.equal(false); // Wednesday, still the holiday
      expect(isWorkingDay('2025-10-09')).to.equal(true);
      expect(isWorkingDay('2025-10-11')).to.equal(true); // Saturday, 调休 working day
      expect(isWorkingDay('2025-10-12')).to.equal(false); // Sunday
    });

    it('counts working days after the first day, up to and including the last', () => {
      expect(workingDaysBetween('2025-09-26', '2025-09-27')).to.equal(0);
      expect(workingDaysBetween('2025-09-26', '2025-09-28')).to.equal(1);
      expect(workingDaysBetween('2025-09-26', '2025-10-08')).to.equal(3);
      expect(workingDaysBetween('2025-09-26', '2025-10-10')).to.equal(5);
      expect(workingDaysBetween('2025-09-26', '2025-10-11')).to.equal(6);
      expect(workingDaysBetween('2025-09-26', '2025-10-13')).to.equal(7);
      expect(workingDaysBetween('2025-10-13', '2025-10-13')).to.equal(0);
      expect(workingDaysBetween('2025-10-13', '2025-09-26')).to.equal(0);
    });

    it('finds the n-th working day after a day, never counting the day itself', () => {
      expect(addWorkingDays('2025-09-26', 1)).to.equal('2025-09-28');
      expect(addWorkingDays('2025-09-26', 3)).to.equal('2025-09-30');
      expect(addWorkingDays('2025-09-26', 4)).to.equal('2025-10-09');
      expect(addWorkingDays('2025-09-26', 7)).to.equal('2025-10-13');
      expect(addWorkingDays('2025-09-28', 1)).to.equal('2025-09-29');
      expect(addWorkingDays('2025-10-01', 1)).to.equal('2025-10-09');
    });

    it('agrees with itself: the n-th working day after X is n working days after X', () => {
      for (let n = 1; n <= 25; n += 1) expect(workingDaysBetween('2025-09-20', addWorkingDays('2025-09-20', n))).to.equal(n);
    });
  });

  it('knows the 2025 Spring Festival with its two working weekend days (1月26日、2月8日上班)', () => {
    expect(isWorkingDay('2025-01-26')).to.equal(true);
    expect(isWorkingDay('2025-01-28')).to.equal(false);
    expect(isWorkingDay('2025-02-04')).to.equal(false);
    expect(isWorkingDay('2025-02-05')).to.equal(true);
    expect(isWorkingDay('2025-02-08')).to.equal(true);
    expect(addWorkingDays('2025-01-24', 2)).to.equal('2025-01-27');
    expect(addWorkingDays('2025-01-24', 3)).to.equal('2025-02-05');
  });

  describe('outside the library’s range', () => {
    it('reports the range it knows, found from the library’s own data', () => {
      const range = workingDayCalendarRange();
      expect(range.first).to.equal('2004-01-01');
      expect(range.last >= '2026-12-31').to.equal(true);
    });

    it('refuses to guess a day before or after it, naming the day and the range', () => {
      const after = `${String(Number(workingDayCalendarRange().last.slice(0, 4)) + 1)}-01-05`;
      expect(() => isWorkingDay('2003-12-31')).to.throw(WorkingDayCalendarOutOfRange, /2003-12-31 is outside that range/);
      expect(() => isWorkingDay(after)).to.throw(WorkingDayCalendarOutOfRange, /working days are known from 2004-01-01/);
      expect(() => workingDaysBetween('2003-12-20', '2004-01-10')).to.throw(WorkingDayCalendarOutOfRange);
      expect(() => addWorkingDays(workingDayCalendarRange().last, 1)).to.throw(WorkingDayCalendarOutOfRange);
    });

    it('refuses what is not a calendar day, and a count below one', () => {
      expect(() => isWorkingDay('2025-9-1')).to.throw(TypeError, /not a calendar day/);
      expect(() => addWorkingDays('2025-09-01', 0)).to.throw(RangeError, /at least one working day/);
    });
  });
});
