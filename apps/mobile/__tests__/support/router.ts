/** The navigation the screens asked for (expo-router's router, recorded). */
export const router = {
  push: jest.fn(),
  replace: jest.fn(),
  navigate: jest.fn(),
  back: jest.fn(),
  setParams: jest.fn(),
}

export function resetRouter() {
  for (const fn of Object.values(router)) fn.mockReset()
}
