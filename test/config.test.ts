import { ConfigError, loadConfig } from '../src/config';
import { calendarDateIn, todayFn } from '../src/common/dates';
import { foldVietnamese } from '../src/common/text';

describe('configuration', () => {
  it('has defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 4000, databaseUrl: undefined, logLevel: 'info', timeZone: 'Asia/Ho_Chi_Minh', today: undefined });
    expect(c.dataDir).toMatch(/\.data$/);
  });

  it('reports every bad value at once, clearly', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x', TODAY: '2025-02-30' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/PORT/);
    expect(problems).toMatch(/LOG_LEVEL/);
    expect(problems).toMatch(/DATABASE_URL/);
    expect(problems).toMatch(/TODAY/);
  });
});

describe('today', () => {
  it('is the calendar date in Asia/Ho_Chi_Minh: from 17:00 UTC it is already tomorrow there', () => {
    expect(calendarDateIn('Asia/Ho_Chi_Minh', new Date('2025-06-30T16:59:59Z'))).toBe('2025-06-30');
    expect(calendarDateIn('Asia/Ho_Chi_Minh', new Date('2025-06-30T17:00:00Z'))).toBe('2025-07-01');
  });

  it('can be fixed by configuration', () => {
    expect(todayFn('2025-04-15', 'Asia/Ho_Chi_Minh')()).toBe('2025-04-15');
  });
});

describe('Vietnamese folding', () => {
  it('drops diacritics and case, folds đ to d', () => {
    expect(foldVietnamese('Đảng ủy Bộ Tài chính')).toBe('dang uy bo tai chinh');
    expect(foldVietnamese('  BỘ   TÀI CHÍNH ')).toBe('bo tai chinh');
    expect(foldVietnamese('Đảng bộ Khối các cơ quan Trung ương')).toBe('dang bo khoi cac co quan trung uong');
  });
});

describe('live updates limits (LIVE_*)', () => {
  it('have defaults', () => {
    expect(loadConfig({}).limits).toMatchObject({
      liveMaxConnections: 2000,
      liveMaxConnectionsPerIp: 50,
      liveMaxConnectionsPerPrincipal: 20,
      liveMaxSubscriptionsPerConnection: 20,
      liveConnectionInitTimeoutMs: 3000,
      liveKeepAliveMs: 12_000,
      liveMaxBufferedKb: 1024,
    });
  });

  it('are read from the environment (LIVE_MAX_CONNECTIONS_PER_IP=0: no cap per address)', () => {
    const limits = loadConfig({
      LIVE_MAX_CONNECTIONS: '500',
      LIVE_MAX_CONNECTIONS_PER_IP: '0',
      LIVE_MAX_CONNECTIONS_PER_PRINCIPAL: '5',
      LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION: '40',
      LIVE_CONNECTION_INIT_TIMEOUT_MS: '1500',
      LIVE_KEEPALIVE_MS: '30000',
      LIVE_MAX_BUFFERED_KB: '256',
    }).limits;
    expect(limits).toMatchObject({
      liveMaxConnections: 500,
      liveMaxConnectionsPerIp: 0,
      liveMaxConnectionsPerPrincipal: 5,
      liveMaxSubscriptionsPerConnection: 40,
      liveConnectionInitTimeoutMs: 1500,
      liveKeepAliveMs: 30_000,
      liveMaxBufferedKb: 256,
    });
  });

  it('refuses values out of range, each named', () => {
    let error: unknown;
    try {
      loadConfig({
        LIVE_MAX_CONNECTIONS: '0',
        LIVE_MAX_CONNECTIONS_PER_IP: '-1',
        LIVE_MAX_CONNECTIONS_PER_PRINCIPAL: 'many',
        LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION: '0',
        LIVE_CONNECTION_INIT_TIMEOUT_MS: '0',
        LIVE_KEEPALIVE_MS: '0',
        LIVE_MAX_BUFFERED_KB: '1',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const names = (error as ConfigError).problems.map((p) => p.split('=')[0]);
    expect(names).toEqual([
      'LIVE_MAX_CONNECTIONS',
      'LIVE_MAX_CONNECTIONS_PER_IP',
      'LIVE_MAX_CONNECTIONS_PER_PRINCIPAL',
      'LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION',
      'LIVE_CONNECTION_INIT_TIMEOUT_MS',
      'LIVE_KEEPALIVE_MS',
      'LIVE_MAX_BUFFERED_KB',
    ]);
  });
});

describe('SQL fairness settings', () => {
  it('have defaults: past-date reads one statement at a time in all, no parallel workers per statement', () => {
    expect(loadConfig({}).limits).toMatchObject({ maxConcurrentPastDateStatements: 1, parallelWorkersPerStatement: 0 });
  });

  it('are read from the environment (0: no past-date lane; -1: the server’s own parallel workers)', () => {
    expect(loadConfig({ SQL_MAX_CONCURRENT_PAST_DATE: '0', SQL_PARALLEL_WORKERS: '-1' }).limits).toMatchObject({
      maxConcurrentPastDateStatements: 0,
      parallelWorkersPerStatement: -1,
    });
  });

  it('refuses values out of range, each named', () => {
    let error: unknown;
    try {
      loadConfig({ SQL_MAX_CONCURRENT_PAST_DATE: '-1', SQL_PARALLEL_WORKERS: 'all' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.split('=')[0])).toEqual(['SQL_MAX_CONCURRENT_PAST_DATE', 'SQL_PARALLEL_WORKERS']);
  });
});
