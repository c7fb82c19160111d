// System messages are stored as an event with the names involved, so each reader sees them in
// their own language; `text` keeps an English rendering for API callers and old clients.
export type SystemEvent = 'join' | 'leave' | 'rename' | 'kick' | 'owner';

export interface SystemInfo {
  event: SystemEvent;
  name: string;
  /** The new nickname, for `rename`. */
  newName?: string;
}

type Catalog = Record<SystemEvent, (s: SystemInfo) => string>;

export const SYSTEM_TEXT: Record<'en' | 'ko', Catalog> = {
  en: {
    join: (s) => `${s.name} joined.`,
    leave: (s) => `${s.name} left.`,
    rename: (s) => `${s.name} is now ${s.newName ?? ''}.`,
    kick: (s) => `${s.name} was removed by the owner.`,
    owner: (s) => `${s.name} is now the owner.`,
  },
  ko: {
    join: (s) => `${s.name}님이 입장했습니다.`,
    leave: (s) => `${s.name}님이 퇴장했습니다.`,
    rename: (s) => `${s.name}님의 이름이 ${s.newName ?? ''}(으)로 바뀌었습니다.`,
    kick: (s) => `${s.name}님이 방장에 의해 강퇴되었습니다.`,
    owner: (s) => `${s.name}님이 새 방장입니다.`,
  },
};

export function systemText(info: SystemInfo, locale: 'en' | 'ko' = 'en'): string {
  return SYSTEM_TEXT[locale][info.event](info);
}
