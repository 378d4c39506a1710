/**
 * Texts of the Bildungsberatung finder, the public part used by families whose first
 * language is often not German. Plain language, short sentences. To add a language,
 * add one object with every key (the type makes a missing key a build error) and
 * its entry in LANGS (view.ts).
 */
import type { Lang } from './view.ts';

const de = {
  title: 'Beratung in Ihrer Nähe finden',
  intro: 'Hier finden Sie Beratung zu Schule, Kita und Familie. Die Beratung ist kostenlos.',
  address: 'Ihre Adresse',
  addressHint: 'Straße und Hausnummer, zum Beispiel „Lindenstraße 12“',
  search: 'Suchen',
  nearMe: 'In meiner Nähe',
  locating: 'Ihr Standort wird gesucht …',
  noLocation: 'Ihr Standort ist nicht bekannt. Bitte geben Sie eine Adresse ein.',
  radius: 'Umkreis',
  topic: 'Thema',
  target: 'Für wen',
  language: 'Sprache der Beratung',
  barrierFree: 'Nur barrierefreie Orte',
  all: 'Alle',
  results: '{n} Angebote gefunden, die nächsten zuerst.',
  none: 'Hier gibt es kein Angebot. Bitte wählen Sie einen größeren Umkreis.',
  notFound: 'Diese Adresse kennen wir nicht. Bitte prüfen Sie Straße und Hausnummer.',
  distance: '{km} km entfernt',
  contact: 'Kontakt',
  phone: 'Telefon',
  email: 'E-Mail',
  hours: 'Öffnungszeiten',
  accessible: 'Barrierefrei',
  notAccessible: 'Nicht barrierefrei',
  accessUnknown: 'Barrierefreiheit unbekannt',
  provider: 'Träger',
  languages: 'Sprachen',
  pageLanguage: 'Sprache der Seite',
  error: 'Das hat nicht geklappt. Bitte versuchen Sie es noch einmal.',
};

export type MessageKey = keyof typeof de;
type Messages = Record<MessageKey, string>;

const en: Messages = {
  title: 'Find advice near you',
  intro: 'Here you can find advice about school, day care and family. The advice is free.',
  address: 'Your address',
  addressHint: 'Street and house number, for example “Lindenstraße 12”',
  search: 'Search',
  nearMe: 'Near me',
  locating: 'Finding your location …',
  noLocation: 'We do not know your location. Please type an address.',
  radius: 'Distance',
  topic: 'Topic',
  target: 'For whom',
  language: 'Language of the advice',
  barrierFree: 'Only places without barriers',
  all: 'All',
  results: '{n} offers found, nearest first.',
  none: 'There is no offer here. Please choose a larger distance.',
  notFound: 'We do not know this address. Please check the street and house number.',
  distance: '{km} km away',
  contact: 'Contact',
  phone: 'Phone',
  email: 'Email',
  hours: 'Opening hours',
  accessible: 'Barrier-free',
  notAccessible: 'Not barrier-free',
  accessUnknown: 'Barrier-free access unknown',
  provider: 'Provider',
  languages: 'Languages',
  pageLanguage: 'Page language',
  error: 'That did not work. Please try again.',
};

const ar: Messages = {
  title: 'ابحث عن استشارة بالقرب منك',
  intro: 'هنا تجد استشارات حول المدرسة والحضانة والأسرة. الاستشارة مجانية.',
  address: 'عنوانك',
  addressHint: 'الشارع ورقم المنزل، مثلاً „Lindenstraße 12“',
  search: 'بحث',
  nearMe: 'بالقرب مني',
  locating: 'جارٍ تحديد موقعك …',
  noLocation: 'موقعك غير معروف. من فضلك اكتب عنوانًا.',
  radius: 'المسافة',
  topic: 'الموضوع',
  target: 'لمن',
  language: 'لغة الاستشارة',
  barrierFree: 'أماكن خالية من العوائق فقط',
  all: 'الكل',
  results: 'تم العثور على {n} عروض، الأقرب أولاً.',
  none: 'لا يوجد عرض هنا. من فضلك اختر مسافة أكبر.',
  notFound: 'لا نعرف هذا العنوان. من فضلك تحقق من الشارع ورقم المنزل.',
  distance: 'على بعد {km} كم',
  contact: 'التواصل',
  phone: 'الهاتف',
  email: 'البريد الإلكتروني',
  hours: 'أوقات العمل',
  accessible: 'خالٍ من العوائق',
  notAccessible: 'غير خالٍ من العوائق',
  accessUnknown: 'لا نعرف إن كان خاليًا من العوائق',
  provider: 'الجهة المقدمة',
  languages: 'اللغات',
  pageLanguage: 'لغة الصفحة',
  error: 'لم ينجح ذلك. من فضلك حاول مرة أخرى.',
};

const MESSAGES: Record<Lang, Messages> = { de, en, ar };

/** Languages written right to left. */
const RTL: ReadonlySet<Lang> = new Set<Lang>(['ar']);

export const LANGUAGE_NAMES: Record<Lang, string> = { de: 'Deutsch', en: 'English', ar: 'العربية' };

export function t(lang: Lang, key: MessageKey, params: Record<string, string | number> = {}): string {
  return MESSAGES[lang][key].replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ''));
}

export const dirOf = (lang: Lang): 'rtl' | 'ltr' => (RTL.has(lang) ? 'rtl' : 'ltr');

/** Numbers in the reader's locale (Arabic uses Arabic-Indic digits only where the locale does). */
export function formatKm(lang: Lang, metres: number): string {
  return new Intl.NumberFormat(lang === 'de' ? 'de-DE' : lang === 'ar' ? 'ar' : 'en-GB', { maximumFractionDigits: 1 }).format(
    metres / 1000,
  );
}
