import {
  BUILTIN_MACHINE_PATTERNS,
  createTrafficClassifier,
  memoizedClassifier,
  parsePatternList,
  type TrafficClass,
} from '../src/counting/classify';
import { loadAgentLists } from '../src/counting/agent-lists';

const LISTS = loadAgentLists();
const withLists = (o: Parameters<typeof createTrafficClassifier>[0] = {}) =>
  createTrafficClassifier({ robotList: LISTS.robots, machineList: LISTS.machines, ...o });

const BROWSERS: Record<string, string> = {
  chrome:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  firefox: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0',
  safari:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  'mobile safari':
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  'android chrome':
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
  edge: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0',
};

const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

const ROBOTS: Record<string, string> = {
  googlebot: GOOGLEBOT,
  bingbot: 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
  ahrefs: 'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)',
  gptbot:
    'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)',
  'generic crawler': 'Mozilla/5.0 (compatible; ExampleCrawler/1.0; +https://example.org/crawler)',
  // On the COUNTER-Robots list ("HeadlessChrome"): a robot.
  'generic spider': 'Mozilla/5.0 (compatible; examplespider/2.0)',
  'bare crawler': 'MyCrawler/1.0',
  'headless chrome':
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0 Safari/537.36',
  // A crawler built on an HTTP library is still a crawler.
  'bot on python-requests': 'python-requests/2.31.0 (compatible; ExampleBot/1.0; +https://example.org/bot)',
  scrapy: 'Scrapy/2.11.0 (+https://scrapy.org)',
  'upper-case spelling (lists match case-insensitively)': 'MOZILLA/5.0 (COMPATIBLE; GOOGLEBOT/2.1)',
};

const MACHINES: Record<string, string> = {
  curl: 'curl/7.88.1',
  'curl 8': 'curl/8.5.0',
  wget: 'Wget/1.21.3',
  'python-requests': 'python-requests/2.31.0',
  'python-urllib': 'Python-urllib/3.11',
  httpx: 'python-httpx/0.25.1',
  aiohttp: 'Python/3.11 aiohttp/3.9.1',
  'apache-httpclient': 'Apache-HttpClient/4.5.14 (Java/17.0.2)',
  'commons-httpclient': 'Jakarta Commons-HttpClient/3.1',
  okhttp: 'okhttp/4.12.0',
  'go-http-client': 'Go-http-client/1.1',
  'go-http-client 2': 'Go-http-client/2.0',
  java17: 'Java/17.0.2',
  'java 8': 'Java/1.8.0_292',
  'java-http-client': 'Java-http-client/17.0.2',
  'node fetch (node 20)': 'node',
  'node-fetch': 'node-fetch/1.0 (+https://github.com/bitinn/node-fetch)',
  undici: 'undici',
  axios: 'axios/1.6.2',
  'libwww-perl': 'libwww-perl/6.72',
  'R base': 'R (4.3.1 x86_64-pc-linux-gnu x86_64 linux-gnu)',
  'R httr': 'libcurl/8.1.2 r-curl/5.1.0 httr/1.4.7',
  'R httr2': 'httr2/1.0.0 r-curl/5.2.0 libcurl/8.4.0',
  rcurl: 'RCurl/1.98',
  postman: 'PostmanRuntime/7.36.0',
  // On no published list: our own machine patterns must catch it.
  powershell: 'Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.19041.3570',
  guzzle: 'GuzzleHttp/7',
  julia: 'HTTP.jl/1.10.0',
};

describe('createTrafficClassifier', () => {
  const classifier = withLists();
  const expectClass = (ua: string | null | undefined, expected: TrafficClass, automatedAccount?: boolean): void => {
    expect(classifier.classify(ua, automatedAccount === undefined ? undefined : { automatedAccount })).toBe(expected);
  };

  it.each(Object.entries(BROWSERS))('%s is regular', (_name, ua) => expectClass(ua, 'regular'));
  it.each(Object.entries(ROBOTS))('%s is a robot', (_name, ua) => expectClass(ua, 'robot'));
  it.each(Object.entries(MACHINES))('%s is a machine', (_name, ua) => expectClass(ua, 'machine'));

  it('no built-in machine pattern matches a browser or a search-engine crawler', () => {
    const agents = [...Object.values(BROWSERS), GOOGLEBOT, ROBOTS.bingbot as string, ROBOTS.gptbot as string];
    for (const source of BUILTIN_MACHINE_PATTERNS) {
      const re = new RegExp(source, 'i');
      for (const ua of agents) expect({ source, ua, matches: re.test(ua) }).toEqual({ source, ua, matches: false });
    }
  });

  it('a missing user agent is not given: regular; an empty or blank one is on the COUNTER list (^.?$): robot', () => {
    expectClass(undefined, 'regular');
    expectClass(null, 'regular');
    expectClass('', 'robot');
    expectClass('   ', 'robot');
  });

  it('agents on no list are counted: Zotero, Power BI, Excel / Power Query, Tableau', () => {
    for (const ua of [
      'Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0 Zotero/7.0',
      'Microsoft.Data.Mashup (https://go.microsoft.com/fwlink/?LinkID=304225)',
      'PowerBIDesktop/2.128',
      'Tableau Desktop 2024.1',
    ]) {
      expect(classifier.classify(ua)).not.toBe('robot');
    }
  });

  it('every pattern of both published lists compiles', () => {
    expect(LISTS.robots.length).toBeGreaterThan(300);
    expect(LISTS.machines.length).toBeGreaterThan(30);
    for (const p of [...LISTS.robots, ...LISTS.machines]) expect(() => new RegExp(p, 'i')).not.toThrow();
  });

  it('surrounding whitespace does not change the class', () => {
    expectClass(`  ${BROWSERS.chrome as string}  `, 'regular');
    expectClass('  curl/8.5.0\n', 'machine');
  });

  describe('automated accounts', () => {
    it('a browser agent on an automated account is machine', () => expectClass(BROWSERS.firefox, 'machine', true));
    it('a machine agent on an automated account stays machine', () => expectClass('curl/8.5.0', 'machine', true));
    it('a robot agent on an automated account stays robot', () => expectClass(GOOGLEBOT, 'robot', true));
      it('a missing agent on an automated account is machine', () => expectClass(undefined, 'machine', true));
    it('automatedAccount: false changes nothing', () => expectClass(BROWSERS.safari, 'regular', false));
  });

  describe('extra patterns', () => {
    it('extra robot patterns turn browsers and machine clients into robots', () => {
      const c = createTrafficClassifier({ extraRobotPatterns: ['Chrome/124\\.0\\.0\\.0 Safari', '^curl/7\\.'] });
      expect(c.classify(BROWSERS.chrome)).toBe('robot');
      expect(c.classify(BROWSERS.firefox)).toBe('regular');
      expect(c.classify('curl/7.88.1')).toBe('robot');
      expect(c.classify('curl/8.5.0')).toBe('machine');
    });

    it('extra patterns are case-insensitive', () => {
      const c = createTrafficClassifier({ extraRobotPatterns: ['FIREFOX/125'] });
      expect(c.classify(BROWSERS.firefox)).toBe('robot');
    });

    it('an extra robot pattern ^$ excludes agent-less traffic', () => {
      const c = createTrafficClassifier({ extraRobotPatterns: ['^$'] });
      expect(c.classify(undefined)).toBe('robot');
      expect(c.classify('')).toBe('robot');
      expect(c.classify(BROWSERS.chrome)).toBe('regular');
    });

    it('extra machine patterns win over the COUNTER-Robots list and over browsers', () => {
      // The COUNTER list has "harvest": a robot by default.
      expect(classifier.classify('OurHarvester/2.0')).toBe('robot');
      const c = withLists({ extraMachinePatterns: ['^OurHarvester/', 'ExampleKiosk'] });
      expect(c.classify('OurHarvester/2.0')).toBe('machine');
      expect(c.classify(`${BROWSERS.chrome as string} ExampleKiosk/1`)).toBe('machine');
      expect(c.classify(GOOGLEBOT)).toBe('robot');
    });

    it('when both extra lists match, robot wins', () => {
      const c = createTrafficClassifier({ extraRobotPatterns: ['harvest'], extraMachinePatterns: ['harvest'] });
      expect(c.classify('OurHarvester/2.0')).toBe('robot');
    });

    it('regexes with commas and character classes work', () => {
      const c = createTrafficClassifier({ extraRobotPatterns: ['Gecko/\\d{6,8} [A-Z]\\w+/1[0-9]{2}\\b'] });
      expect(c.classify(BROWSERS.firefox)).toBe('robot');
      expect(c.classify(BROWSERS.chrome)).toBe('regular');
    });
  });

  describe('invalid extra patterns throw at creation', () => {
    it('an invalid regex names the list, the position and the source', () => {
      expect(() => createTrafficClassifier({ extraRobotPatterns: ['ok', 'bad(('] })).toThrow(
        /Invalid extra robot pattern #2 "bad\(\(":/,
      );
      expect(() => createTrafficClassifier({ extraMachinePatterns: ['[z-a]'] })).toThrow(
        /Invalid extra machine pattern #1 "\[z-a\]":/,
      );
    });

    it('a blank pattern is rejected', () => {
      expect(() => createTrafficClassifier({ extraRobotPatterns: ['  '] })).toThrow(/pattern is empty/);
    });

    it('a pattern that matches every user agent is rejected', () => {
      expect(() => createTrafficClassifier({ extraRobotPatterns: ['spider|'] })).toThrow(/matches every user agent/);
      expect(() => createTrafficClassifier({ extraMachinePatterns: ['.*'] })).toThrow(/matches every user agent/);
    });

    it('the thrown value is an Error', () => {
      expect(() => createTrafficClassifier({ extraRobotPatterns: ['('] })).toThrow(Error);
    });
  });
});

describe('parsePatternList', () => {
  it('undefined and blank give no patterns', () => {
    expect(parsePatternList(undefined)).toEqual([]);
    expect(parsePatternList('')).toEqual([]);
    expect(parsePatternList(' \n ;; \n')).toEqual([]);
  });

  it('splits on newlines (LF and CRLF) and trims', () => {
    expect(parsePatternList('  ^foo/ \r\nbar\n\nbaz  ')).toEqual(['^foo/', 'bar', 'baz']);
  });

  it('splits on ;; but never on commas', () => {
    expect(parsePatternList('a{2,3};;b,c ;; ;;d')).toEqual(['a{2,3}', 'b,c', 'd']);
  });

  it('feeds createTrafficClassifier', () => {
    const c = createTrafficClassifier({ extraRobotPatterns: parsePatternList('Firefox/125;;evilscraper') });
    expect(c.classify('python-requests/2.31.0 evilscraper')).toBe('robot');
    expect(c.classify(BROWSERS.firefox)).toBe('robot');
    expect(c.classify(BROWSERS.chrome)).toBe('regular');
  });
});

describe('memoizedClassifier', () => {
  it('answers as the classifier it wraps, the automated flag included, and keeps a bounded memo', () => {
    let calls = 0;
    const inner = withLists();
    const counted = { classify: (ua: string | null | undefined, o?: { automatedAccount?: boolean }) => (calls++, inner.classify(ua, o)) };
    const c = memoizedClassifier(counted, 2);
    const firefox = BROWSERS.firefox as string;
    expect(c.classify(firefox)).toBe('regular');
    expect(c.classify(firefox, { automatedAccount: true })).toBe('machine');
    expect(c.classify(firefox)).toBe('regular');
    expect(calls).toBe(2);
    expect(c.classify('curl/8.5.0')).toBe('machine'); // third key: the memo starts over
    expect(c.classify(firefox)).toBe('regular');
    expect(calls).toBe(4);
  });
});
